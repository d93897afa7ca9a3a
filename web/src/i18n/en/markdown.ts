/** Strings of the markdown renderer (English, the reference set of keys). */
export const markdown = {
  'markdown.copyCode': 'Copy code',
  'markdown.copied': 'Copied',
  'markdown.copyFailed': 'Copy failed',
  'markdown.code': 'code',
  'markdown.citation': 'Source {index}: {filename}',
  'markdown.citationPage': 'Source {index}: {filename}, page {page}',
  'markdown.citationPages': 'Source {index}: {filename}, pages {page}–{pageEnd}',
  'markdown.externalImage': 'Image from {host} not loaded — click to open',
  'markdown.externalImageTitle': 'Open an outside image?',
  'markdown.externalImageBody':
    'This image is hosted on {host}. Opening it tells that site that you are looking at it. Open it only if you trust this address:',
  'markdown.externalImageOpen': 'Open in a new tab',
};
