import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/resources/redact-url.js';

describe('redactUrl', () => {
  it('masks the user name and password', () => {
    expect(redactUrl('https://user:pass@api.example.com/v1/users')).toBe('https://***:***@api.example.com/v1/users');
    expect(redactUrl('https://token123@api.example.com/')).toBe('https://***@api.example.com/');
  });

  it('masks the values of secret query parameters, whatever their case', () => {
    const names = ['token', 'key', 'apikey', 'api_key', 'secret', 'password', 'auth', 'access_token', 'signature'];
    for (const name of names) {
      expect(redactUrl(`https://h.example/x?${name}=s3cret&page=2`)).toBe(`https://h.example/x?${name}=***&page=2`);
      expect(redactUrl(`https://h.example/x?${name.toUpperCase()}=s3cret`)).toBe(`https://h.example/x?${name.toUpperCase()}=***`);
    }
  });

  it('masks compound and encoded secret names', () => {
    expect(redactUrl('https://s3.example/o?X-Amz-Signature=abc&client_secret=def&api%5Fkey=ghi&limit=5')).toBe(
      'https://s3.example/o?X-Amz-Signature=***&client_secret=***&api%5Fkey=***&limit=5',
    );
  });

  it('masks secrets in the fragment', () => {
    expect(redactUrl('https://app.example/cb#access_token=abc&state=xyz')).toBe('https://app.example/cb#access_token=***&state=xyz');
  });

  it('leaves everything else byte for byte', () => {
    const plain = 'http://127.0.0.1:8080/api/posts?userId=1&q=a%20b+c&keyboard=qwerty&flag';
    expect(redactUrl(plain)).toBe(plain);
    expect(redactUrl('/srv/data/sample')).toBe('/srv/data/sample');
  });

  it('still masks credentials in a URL that does not parse', () => {
    expect(redactUrl('http://user:pass@')).toBe('http://***:***@');
    expect(redactUrl('ftp://user:pass@host:99999/x?password=p')).toBe('ftp://***:***@host:99999/x?password=***');
  });
});
