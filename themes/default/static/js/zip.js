/*
 * A minimal ZIP writer for the Office files the browser makes (.docx, .xlsx).
 *
 * Why our own: the only ZIP features Office needs are local headers, a central
 * directory and raw DEFLATE, and every supported browser (and Node ≥ 18) ships
 * raw DEFLATE as CompressionStream('deflate-raw'). What is left is CRC-32 and
 * the record layout, about a hundred lines, against ~100 KB for a vendored
 * library. Where CompressionStream is missing the entries are stored
 * uncompressed, which Office and LibreOffice read as well.
 *
 * Deterministic: every entry carries the DOS date 1980-01-01 00:00, entries are
 * written in the order given, so the same input gives the same bytes.
 *
 * Classic script: globalThis.DudaoZip, module.exports under Node.
 */
(function (root) {
  'use strict';

  const CRC_TABLE = (() => {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    let crc = 0xffffffff;
    for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  const encoder = new TextEncoder();
  const asBytes = (data) => (typeof data === 'string' ? encoder.encode(data) : data);

  async function deflateRaw(bytes) {
    if (typeof CompressionStream !== 'function') return null;
    let stream;
    try {
      stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    } catch (_) {
      return null; // a browser with CompressionStream but without 'deflate-raw'
    }
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /**
   * The bytes of a ZIP archive holding `entries` ([{name, data}], data a
   * string (written as UTF-8) or a Uint8Array), in that order.
   * Options: {compress: false} stores every entry uncompressed.
   */
  async function build(entries, options) {
    const compress = !options || options.compress !== false;
    const parts = [];
    const central = [];
    let offset = 0;
    for (const entry of entries) {
      const name = encoder.encode(entry.name);
      const data = asBytes(entry.data);
      const crc = crc32(data);
      let body = data;
      let method = 0;
      if (compress && data.length > 0) {
        const deflated = await deflateRaw(data);
        if (deflated && deflated.length < data.length) {
          body = deflated;
          method = 8;
        }
      }
      const local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true); // version needed: 2.0
      local.setUint16(6, 0x0800, true); // names are UTF-8
      local.setUint16(8, method, true);
      local.setUint16(10, 0, true); // 00:00
      local.setUint16(12, 0x21, true); // 1980-01-01
      local.setUint32(14, crc, true);
      local.setUint32(18, body.length, true);
      local.setUint32(22, data.length, true);
      local.setUint16(26, name.length, true);
      local.setUint16(28, 0, true);
      parts.push(new Uint8Array(local.buffer), name, body);

      const record = new DataView(new ArrayBuffer(46));
      record.setUint32(0, 0x02014b50, true);
      record.setUint16(4, 20, true);
      record.setUint16(6, 20, true);
      record.setUint16(8, 0x0800, true);
      record.setUint16(10, method, true);
      record.setUint16(12, 0, true);
      record.setUint16(14, 0x21, true);
      record.setUint32(16, crc, true);
      record.setUint32(20, body.length, true);
      record.setUint32(24, data.length, true);
      record.setUint16(28, name.length, true);
      record.setUint32(42, offset, true);
      central.push(new Uint8Array(record.buffer), name);
      offset += 30 + name.length + body.length;
    }
    const centralSize = central.reduce((sum, part) => sum + part.length, 0);
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, entries.length, true);
    end.setUint16(10, entries.length, true);
    end.setUint32(12, centralSize, true);
    end.setUint32(16, offset, true);
    const all = parts.concat(central, [new Uint8Array(end.buffer)]);
    const out = new Uint8Array(all.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of all) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  const api = { build, crc32 };
  root.DudaoZip = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
