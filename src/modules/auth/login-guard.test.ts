import { describe, expect, it } from 'vitest';
import { loginSourceOf } from './login-guard.js';

describe('loginSourceOf', () => {
  it('keeps IPv4 addresses, unwraps IPv4-mapped IPv6, and groups IPv6 by /64', () => {
    expect(loginSourceOf('203.0.113.5')).toBe('203.0.113.5');
    expect(loginSourceOf('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(loginSourceOf('2001:db8:1:2::1')).toBe(loginSourceOf('2001:db8:1:2:ffff:1:2:3'));
    expect(loginSourceOf('2001:db8:1:2::1')).not.toBe(loginSourceOf('2001:db8:1:3::1'));
    expect(loginSourceOf('2001:DB8:1:2::1')).toBe(loginSourceOf('2001:db8:1:2::1'));
  });
});
