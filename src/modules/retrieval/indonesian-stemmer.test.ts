import { describe, expect, it } from 'vitest';
import { indonesianStemsOf, looksIndonesian, stemIndonesian } from './indonesian-stemmer.js';

describe('Indonesian stemming', () => {
  it('brings derived forms of one word to the same stem', () => {
    for (const word of ['pengajuan', 'mengajukan', 'diajukan', 'ajukan'])
      expect(stemIndonesian(word)).toBe('aju');
    for (const word of ['persetujuan', 'disetujui', 'menyetujui']) expect(stemIndonesian(word)).toBe('tuju');
    expect(stemIndonesian('pembayaran')).toBe('bayar');
    expect(stemIndonesian('membayar')).toBe('bayar');
    expect(stemIndonesian('bekerja')).toBe('kerja');
    expect(stemIndonesian('anggarannya')).toBe('anggar');
    expect(stemIndonesian('cuti')).toBe('cuti');
  });

  it('tells Indonesian text from English and adds stems only for Indonesian', () => {
    expect(looksIndonesian('Karyawan yang ingin mengajukan cuti harus mengisi formulir')).toBe(true);
    expect(looksIndonesian('Employees who want to request leave must fill in a form')).toBe(false);
    expect(
      indonesianStemsOf('Karyawan yang ingin mengajukan cuti harus mengisi formulir dan persetujuan'),
    ).toContain('aju');
    expect(indonesianStemsOf('The different methods of payment are discussed')).toBe('');
  });
});
