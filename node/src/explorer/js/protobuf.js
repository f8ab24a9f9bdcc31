// A minimal protobuf reader: enough to take fields out of the exact bytes of a
// signed block header (the bytes whose hash is the block hash), so the page
// does not have to trust the node's decoded copy.

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
  };
}
