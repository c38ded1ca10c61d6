import { assertJsonBounds, parseJsonBody } from './json-body';

const scan =
  (text: string, maxDepth = 3, maxKeys: number | undefined = 5) =>
  () =>
    assertJsonBounds(Buffer.from(text), { maxDepth, maxKeys });

describe('assertJsonBounds (before any parse)', () => {
  it('counts nesting of objects and arrays, not of brackets inside strings', () => {
    expect(scan('{"a":[{"b":1}]}')).not.toThrow();
    expect(scan('{"a":[{"b":[1]}]}')).toThrow('nested deeper than 3 levels');
    expect(scan('{"a":"[[[[{{{{"}')).not.toThrow();
    expect(scan('{"a":"\\"[[[[{{{{"}')).not.toThrow();
    expect(scan('{"a":"\\\\","b":[[[[]]]]}')).toThrow('nested deeper');
  });

  it('counts object keys and array items together', () => {
    expect(scan('{"a":1,"b":2,"c":[1,2]}')).not.toThrow();
    expect(scan('{"a":1,"b":2,"c":[1,2,3]}')).toThrow('more than 5 keys and array items');
    expect(scan('[[],[],[],[],[]]', 3, 5)).not.toThrow();
    expect(scan('[[1],[1],[1]]', 3, 5)).toThrow('more than 5');
    expect(scan('{"a:b,c,d,e,f,g":1}')).not.toThrow();
    expect(() => assertJsonBounds(Buffer.from('[1,2,3,4,5,6,7]'), { maxDepth: 3, maxKeys: undefined })).not.toThrow();
  });

  it('answers with the envelope codes: depth 400, size 413', () => {
    expect(scan('[[[[]]]]')).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(scan('[1,2,3,4,5,6]')).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
  });
});

describe('parseJsonBody', () => {
  const limits = { maxDepth: 8, maxKeys: 100 };
  it('gives the object, and refuses what is not an object', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1]}'), limits)).toEqual({ a: [1] });
    for (const text of ['null', '[]', '1', '"a"', 'true', '', '{"a":']) {
      expect(() => parseJsonBody(Buffer.from(text), limits)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    }
  });

  it('refuses prototype poisoning', () => {
    expect(() => parseJsonBody(Buffer.from('{"__proto__":{"x":1}}'), limits)).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
