// A minimal protobuf reader and writer: enough to take fields out of the exact
// bytes of a signed block header (the bytes whose hash is the block hash), so
// the page does not have to trust the node's decoded copy, and to encode the
// canonical bytes of a vote and a validator set (fields in order, defaults
// omitted: ADR 0001) to hash them.

/** Reads the fields of one message: Map<field number, Array<value>>, where a
 * varint is a BigInt and a length-delimited field is a Uint8Array. */
export function readFields(bytes) {
  const fields = new Map();
  let at = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= bytes.length) throw new Error("protobuf: truncated varint");
      if (shift > 63n) throw new Error("protobuf: varint too long");
      const b = bytes[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    let value;
    if (wire === 0) {
      value = varint();
    } else if (wire === 2) {
      const len = Number(varint());
      if (at + len > bytes.length) throw new Error("protobuf: truncated field");
      value = bytes.subarray(at, at + len);
      at += len;
    } else if (wire === 1 || wire === 5) {
      const len = wire === 1 ? 8 : 4;
      if (at + len > bytes.length) throw new Error("protobuf: truncated field");
      value = bytes.subarray(at, at + len);
      at += len;
    } else {
      throw new Error(`protobuf: unsupported wire type ${wire}`);
    }
    if (!fields.has(field)) fields.set(field, []);
    fields.get(field).push(value);
  }
  return fields;
}

/** The fields of a `bayledger.types.v1.BlockHeader` that a verifier checks. */
export function decodeHeader(bytes) {
  const f = readFields(bytes);
  const one = (n, dflt) => (f.has(n) ? f.get(n)[f.get(n).length - 1] : dflt);
  return {
    chainId: new TextDecoder().decode(one(1, new Uint8Array())),
    height: one(2, 0n),
    timeMs: one(3, 0n),
    stateRoot: one(8, new Uint8Array()),
    validatorSetHash: one(9, new Uint8Array()),
  };
}

function varint(n) {
  let v = BigInt(n);
  const out = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

const join = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A varint field (omitted when 0). */
export const uintField = (num, v) => (BigInt(v) === 0n ? new Uint8Array() : join([varint(num << 3), varint(v)]));

/** A length-delimited field (omitted when empty, unless `always`: an element of a repeated message). */
export const bytesField = (num, bytes, always = false) =>
  bytes.length === 0 && !always ? new Uint8Array() : join([varint((num << 3) | 2), varint(bytes.length), bytes]);

/** The concatenation of encoded fields. */
export const message = (...fields) => join(fields);
