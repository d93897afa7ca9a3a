import type { markdown as en } from '../en/markdown';

/** Strings of the markdown renderer in Indonesian. */
export const markdown = {
  'markdown.copyCode': 'Salin kode',
  'markdown.copied': 'Tersalin',
  'markdown.copyFailed': 'Gagal menyalin',
  'markdown.code': 'kode',
  'markdown.citation': 'Sumber {index}: {filename}',
  'markdown.citationPage': 'Sumber {index}: {filename}, halaman {page}',
  'markdown.citationPages': 'Sumber {index}: {filename}, halaman {page}–{pageEnd}',
  'markdown.externalImage': 'Gambar dari {host} tidak dimuat — klik untuk membuka',
  'markdown.externalImageTitle': 'Buka gambar dari luar?',
  'markdown.externalImageBody':
    'Gambar ini disimpan di {host}. Jika dibuka, situs tersebut akan tahu bahwa Anda sedang melihatnya. Buka hanya jika Anda memercayai alamat ini:',
  'markdown.externalImageOpen': 'Buka di tab baru',
} satisfies Record<keyof typeof en, string>;
