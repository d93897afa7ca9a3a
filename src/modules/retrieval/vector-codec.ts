/** Float32 vectors as little-endian blobs, and their 1-bit sign quantisation. */

/** A vector as a blob for the database. */
export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** A stored blob back to a vector (copies, so the result is aligned). */
export function blobToVector(blob: Uint8Array): Float32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}

/** Sign bits (1 where the component is positive), least significant bit first: dimension/8 bytes. */
export function signBits(vector: Float32Array): Buffer {
  const bits = Buffer.alloc(Math.ceil(vector.length / 8));
  for (let index = 0; index < vector.length; index += 1) {
    if (vector[index]! > 0) bits[index >> 3]! |= 1 << (index & 7);
  }
  return bits;
}

/** Dot product (cosine similarity for unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += a[index]! * b[index]!;
  return sum;
}
