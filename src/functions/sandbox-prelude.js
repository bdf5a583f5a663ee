// Runs inside QuickJS, once per context, before the function's code (see README.md). It builds
// what CloudFront Functions offer on top of the JavaScript language (docs/functions.md §2, §4.3):
// console.log, a frozen Date, no eval/Function constructor, require() and the crypto,
// querystring, buffer and cloudfront modules, the 1.0 byte-string methods, and `invoke`, which the
// host calls once per request. Everything native comes from `host` (sandbox.ts); nothing here can
// reach the Node process.
//
// Each request starts from scratch, as in CloudFront: the function's code is compiled once into a
// wrapper whose call runs the top level again (its variables are the wrapper's locals), and
// `lockdown` freezes everything the code can reach before the first request, so nothing a request
// does outlives it. The event is built lazily from the host's flat encoding (wire.ts): parts a
// handler never reads are never built, and a request or response returned untouched goes back as
// one number instead of JSON.
//
// The value of this script is a function; the host calls it with (host, version, kvsArns,
// maxLogBytes, statusBuffer) and keeps what it returns.
//
// Why one file of about 1,000 lines: it is one closure. Its parts (console, Date, Buffer, the
// modules, the event, lockdown, invoke) share private state that the function's code must never
// reach: the current run, the intrinsics captured before anything is replaced or frozen, `hide` and
// `setOwn`. Separate scripts could only share it through an object handed from one to the next,
// which would have to be kept out of the realm and frozen, and every read of the run on the
// per-request path (the event's accessors) would become a property lookup instead of a closure
// variable (QuickJS has no inline caches). Its sections below are marked by ruled comments.
(function (host, version, kvsArns, maxLogBytes, statusBuffer) {
  "use strict";
  var G = globalThis;
  var v2 = version === 2;
  var JSONparse = JSON.parse;
  var JSONstringify = JSON.stringify;
  var hasOwn = Object.prototype.hasOwnProperty;
  var defineProperty = Object.defineProperty;
  var slice = Array.prototype.slice;
  var getPrototypeOf = Object.getPrototypeOf;
  var getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  var objectCreate = Object.create;
  var freeze = Object.freeze;
  var ownKeys = Reflect.ownKeys;
  var ObjectPrototype = Object.prototype;
  var RealPromise = Promise;
  var promiseResolve = Promise.resolve.bind(Promise);
  var promiseThen = Promise.prototype.then;
  /**
   * The request being handled (one at a time per context), in closure variables (QuickJS reads and
   * writes them by index; an object's members cost a shape lookup each, and a run touches many):
   * start time, event type, edge location, origin changes, logs, the lazily built event and what
   * the handler returned. `running`: a request has begun (they stay set after it, as the run's
   * promise callbacks may still read them).
   */
  var running = false;
  var rOrigin, rLogs, rLogBytes, rJson, rOut, rInput, rP, rFlags, rNow, rEventType, rRawQuery, rEdge, rE, rQ, rS, rSlots;
  /** The compiled function code: each call runs its top level and returns its handler. */
  var factory;
  /** The code is its handler alone: the handler made by the first run serves the next ones. */
  var reuseHandler = false;
  var sharedHandler;

  function hide(obj, name, value) {
    defineProperty(obj, name, { value: value, writable: true, configurable: true, enumerable: false });
  }
  function setOwn(obj, name, value) {
    defineProperty(obj, name, { value: value, writable: true, configurable: true, enumerable: true });
  }

  // ------------------------------------------------------------------------------------------
  // console.log only (docs/functions.md §2)

  function show(v) {
    if (typeof v === "string") return v;
    if (v === undefined) return "undefined";
    if (typeof v === "function") return "[Function" + (v.name ? ": " + v.name : "") + "]";
    if (v instanceof Error) return String(v);
    if (typeof v === "object" && v !== null) {
      try {
        var s = JSONstringify(v);
        if (s !== undefined) return s;
      } catch (e) {
        // circular or otherwise not serializable: fall through
      }
      return Object.prototype.toString.call(v);
    }
    return String(v);
  }
  function utf8Length(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }
  // Lines stay here and leave with the result (a host call per line would cost more than most
  // functions); at most maxLogBytes of UTF-8 per run (docs/functions.md §3: 10 KB).
  hide(G, "console", {
    log: function log() {
      if (!running) return; // no request yet
      var room = maxLogBytes - rLogBytes;
      if (room <= 0) return;
      var parts = [];
      for (var i = 0; i < arguments.length; i++) parts.push(show(arguments[i]));
      var line = parts.join(" ");
      var bytes = utf8Length(line);
      if (bytes > room) {
        var cut = Math.min(line.length, room);
        while (cut > 0 && utf8Length(line.slice(0, cut)) > room) cut--;
        line = line.slice(0, cut);
        bytes = utf8Length(line);
      }
      if (rLogs === NONE) {
        rLogs = [];
        STATUS[S_CHANGED] |= CHANGED_LOGS;
      }
      rLogs.push(line);
      rLogBytes += bytes > room ? room : bytes;
    },
  });

  // ------------------------------------------------------------------------------------------
  // Date is frozen at the function's start time (docs/functions.md §2 "Restricted")

  var RealDate = Date;
  var FrozenDate = function Date() {
    var now = running ? rNow : RealDate.now();
    if (new.target === undefined) return new RealDate(now).toString();
    var args = arguments.length === 0 ? [now] : slice.call(arguments);
    return Reflect.construct(RealDate, args, new.target === FrozenDate ? RealDate : new.target);
  };
  FrozenDate.prototype = RealDate.prototype;
  FrozenDate.now = function now() {
    return running ? rNow : RealDate.now();
  };
  FrozenDate.parse = RealDate.parse;
  FrozenDate.UTC = RealDate.UTC;
  hide(RealDate.prototype, "constructor", FrozenDate);
  hide(G, "Date", FrozenDate);

  // ------------------------------------------------------------------------------------------
  // No dynamic code evaluation (docs/functions.md §2 "Restricted": eval and Function throw)

  var NoFunction = function Function() {
    throw new EvalError("Function constructor is not supported");
  };
  NoFunction.prototype = Function.prototype;
  hide(Function.prototype, "constructor", NoFunction);
  [async function () {}, function* () {}, async function* () {}].forEach(function (f) {
    hide(Object.getPrototypeOf(f), "constructor", NoFunction);
  });
  hide(G, "Function", NoFunction);
  hide(G, "eval", function noEval() {
    throw new EvalError("eval is not supported");
  });

  // ------------------------------------------------------------------------------------------
  // Bytes across the boundary: strings stay strings, everything else becomes an ArrayBuffer copy

  function toHostBytes(data, what) {
    if (typeof data === "string") return data;
    if (data instanceof ArrayBuffer) return data;
    if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    throw new TypeError(what + " must be a string, Buffer, TypedArray or DataView");
  }

  // Strings cross into and out of QuickJS as C strings, which end at the first NUL character
  // (quickjs-emscripten's newString/getString). Text that may hold one takes a detour: split at
  // the NULs on the way in, JSON on the way out.
  var NUL_SAFE = { utf8: [0], latin1: [0], ascii: [0], utf16le: [0, 0] };
  function hostDecode(str, encoding) {
    if (str.indexOf("\0") < 0) return host.decode(str, encoding);
    var parts = str.split("\0");
    // In hex and base64 a NUL is not valid input: decoding stops there.
    if (!hasOwn.call(NUL_SAFE, encoding)) return host.decode(parts[0], encoding);
    var arrays = [];
    for (var i = 0; i < parts.length; i++) {
      if (i > 0) arrays.push(new Uint8Array(NUL_SAFE[encoding]));
      arrays.push(new Uint8Array(host.decode(parts[i], encoding)));
    }
    return concatBytes(arrays).buffer;
  }
  function hostEncode(bytes, encoding) {
    if (hasOwn.call(NUL_SAFE, encoding) && new Uint8Array(bytes).indexOf(0) >= 0) return JSONparse(host.encodeJson(bytes, encoding));
    return host.encode(bytes, encoding);
  }
  function concatBytes(arrays) {
    var total = 0;
    for (var i = 0; i < arrays.length; i++) total += arrays[i].length;
    var out = new Uint8Array(total);
    for (var j = 0, pos = 0; j < arrays.length; pos += arrays[j].length, j++) out.set(arrays[j], pos);
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Buffer (2.0): a Node-compatible subset (docs/functions.md §2)

  var ENCODINGS = {
    utf8: "utf8", "utf-8": "utf8", hex: "hex", base64: "base64", base64url: "base64url",
    latin1: "latin1", binary: "latin1", ascii: "ascii", ucs2: "utf16le", "ucs-2": "utf16le", utf16le: "utf16le", "utf-16le": "utf16le",
  };
  function encodingOf(e) {
    if (e === undefined || e === null) return "utf8";
    var n = hasOwn.call(ENCODINGS, String(e).toLowerCase()) ? ENCODINGS[String(e).toLowerCase()] : undefined;
    if (!n) throw new TypeError("Unknown encoding: " + e);
    return n;
  }

  var Buffer;
  if (v2) {
    var checkSize = function (size) {
      if (typeof size !== "number" || !(size >= 0) || size > 0x7fffffff) throw new RangeError('The "size" argument must be a non-negative number, not ' + size);
      return Math.floor(size);
    };
    var clamp = function (v, dflt, len) {
      if (v === undefined) return dflt;
      v = Math.trunc(Number(v)) || 0;
      if (v < 0) v += len;
      return v < 0 ? 0 : v > len ? len : v;
    };
    Buffer = class Buffer extends Uint8Array {
      static from(value, encodingOrOffset, length) {
        if (typeof value === "string") return fromArrayBuffer(hostDecode(value, encodingOf(encodingOrOffset)));
        if (value instanceof ArrayBuffer) {
          var off = encodingOrOffset === undefined ? 0 : Number(encodingOrOffset) >>> 0;
          var len = length === undefined ? value.byteLength - off : Number(length) >>> 0;
          return new Buffer(value, off, len);
        }
        if (ArrayBuffer.isView(value)) {
          var copy = new Buffer(value.length);
          copy.set(value);
          return copy;
        }
        if (value !== null && typeof value === "object") {
          if (value.type === "Buffer" && Array.isArray(value.data)) return Buffer.from(value.data);
          if (typeof value.length === "number") {
            var b = new Buffer(value.length);
            for (var i = 0; i < value.length; i++) b[i] = Number(value[i]) & 255;
            return b;
          }
        }
        throw new TypeError("The first argument must be a string, Buffer, ArrayBuffer, Array, or array-like object");
      }
      static alloc(size, fill, encoding) {
        var b = new Buffer(checkSize(size));
        if (fill !== undefined && fill !== 0 && b.length > 0) b.fill(fill, 0, b.length, encoding);
        return b;
      }
      static allocUnsafe(size) {
        return new Buffer(checkSize(size));
      }
      static byteLength(value, encoding) {
        if (typeof value === "string") return hostDecode(value, encodingOf(encoding)).byteLength;
        if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
        throw new TypeError('The "string" argument must be a string, Buffer, or ArrayBuffer');
      }
      static isBuffer(b) {
        return b instanceof Buffer;
      }
      static isEncoding(e) {
        return typeof e === "string" && hasOwn.call(ENCODINGS, e.toLowerCase());
      }
      static concat(list, totalLength) {
        if (!Array.isArray(list)) throw new TypeError('The "list" argument must be an Array of Buffers');
        var total = 0;
        for (var i = 0; i < list.length; i++) total += list[i].length;
        if (totalLength !== undefined) total = checkSize(totalLength);
        var out = new Buffer(total);
        var pos = 0;
        for (var j = 0; j < list.length && pos < total; j++) {
          var item = list[j];
          if (!(item instanceof Uint8Array)) throw new TypeError('The "list" argument must contain Buffers or Uint8Arrays');
          var part = item.length > total - pos ? item.subarray(0, total - pos) : item;
          out.set(part, pos);
          pos += part.length;
        }
        return out;
      }
      static compare(a, b) {
        var n = Math.min(a.length, b.length);
        for (var i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
        return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
      }
      toString(encoding, start, end) {
        var s = clamp(start, 0, this.length);
        var e = clamp(end, this.length, this.length);
        if (e <= s) return "";
        return hostEncode(this.buffer.slice(this.byteOffset + s, this.byteOffset + e), encodingOf(encoding));
      }
      toJSON() {
        return { type: "Buffer", data: Array.prototype.slice.call(this) };
      }
      equals(other) {
        if (!(other instanceof Uint8Array)) throw new TypeError('The "otherBuffer" argument must be a Buffer or Uint8Array');
        return Buffer.compare(this, other) === 0;
      }
      compare(other) {
        return Buffer.compare(this, other);
      }
      subarray(start, end) {
        var s = clamp(start, 0, this.length);
        var e = clamp(end, this.length, this.length);
        return new Buffer(this.buffer, this.byteOffset + s, Math.max(0, e - s));
      }
      slice(start, end) {
        return this.subarray(start, end);
      }
      write(string, offset, length, encoding) {
        if (typeof offset === "string") {
          encoding = offset;
          offset = 0;
          length = undefined;
        } else if (typeof length === "string") {
          encoding = length;
          length = undefined;
        }
        var o = offset === undefined ? 0 : offset >>> 0;
        var bytes = new Uint8Array(hostDecode(String(string), encodingOf(encoding)));
        var n = Math.min(bytes.length, this.length - o, length === undefined ? Infinity : length >>> 0);
        if (n <= 0) return 0;
        this.set(bytes.subarray(0, n), o);
        return n;
      }
      copy(target, targetStart, sourceStart, sourceEnd) {
        var ts = targetStart === undefined ? 0 : targetStart >>> 0;
        var ss = sourceStart === undefined ? 0 : sourceStart >>> 0;
        var se = sourceEnd === undefined ? this.length : Math.min(sourceEnd >>> 0, this.length);
        var n = Math.min(se - ss, target.length - ts);
        if (n <= 0) return 0;
        target.set(new Uint8Array(this.buffer, this.byteOffset + ss, n), ts);
        return n;
      }
      fill(value, offset, end, encoding) {
        if (typeof offset === "string") {
          encoding = offset;
          offset = 0;
          end = this.length;
        }
        var s = clamp(offset, 0, this.length);
        var e = clamp(end, this.length, this.length);
        if (typeof value === "string" || value instanceof Uint8Array) {
          var bytes = typeof value === "string" ? new Uint8Array(hostDecode(value, encodingOf(encoding))) : value;
          if (bytes.length === 0) return super.fill(0, s, e);
          for (var i = s; i < e; i++) this[i] = bytes[(i - s) % bytes.length];
          return this;
        }
        return super.fill(Number(value) & 255, s, e);
      }
      indexOf(value, byteOffset, encoding) {
        var from = clamp(byteOffset, 0, this.length);
        if (typeof value === "number") return super.indexOf(value & 255, from);
        var needle = typeof value === "string" ? new Uint8Array(hostDecode(value, encodingOf(encoding))) : value;
        if (!(needle instanceof Uint8Array)) throw new TypeError('The "value" argument must be a string, number, Buffer or Uint8Array');
        if (needle.length === 0) return from;
        outer: for (var i = from; i <= this.length - needle.length; i++) {
          for (var j = 0; j < needle.length; j++) if (this[i + j] !== needle[j]) continue outer;
          return i;
        }
        return -1;
      }
      includes(value, byteOffset, encoding) {
        return this.indexOf(value, byteOffset, encoding) !== -1;
      }
    };
    var fromArrayBuffer = function (ab) {
      return new Buffer(ab, 0, ab.byteLength);
    };
    // readUInt8, readUInt16LE, …, writeDoubleBE through DataView, with Node's lower-case aliases.
    [
      ["UInt8", "Uint8", 1, false], ["Int8", "Int8", 1, false],
      ["UInt16LE", "Uint16", 2, true], ["UInt16BE", "Uint16", 2, false], ["Int16LE", "Int16", 2, true], ["Int16BE", "Int16", 2, false],
      ["UInt32LE", "Uint32", 4, true], ["UInt32BE", "Uint32", 4, false], ["Int32LE", "Int32", 4, true], ["Int32BE", "Int32", 4, false],
      ["FloatLE", "Float32", 4, true], ["FloatBE", "Float32", 4, false], ["DoubleLE", "Float64", 8, true], ["DoubleBE", "Float64", 8, false],
    ].forEach(function (spec) {
      var name = spec[0], view = spec[1], size = spec[2], little = spec[3];
      var check = function (buf, offset) {
        var o = offset === undefined ? 0 : offset;
        if (typeof o !== "number" || o !== Math.floor(o) || o < 0 || o + size > buf.length) throw new RangeError('The value of "offset" is out of range: ' + offset);
        return o;
      };
      var read = function (offset) {
        var o = check(this, offset);
        return new DataView(this.buffer, this.byteOffset, this.byteLength)["get" + view](o, little);
      };
      var write = function (value, offset) {
        var o = check(this, offset);
        new DataView(this.buffer, this.byteOffset, this.byteLength)["set" + view](o, Number(value), little);
        return o + size;
      };
      hide(Buffer.prototype, "read" + name, read);
      hide(Buffer.prototype, "write" + name, write);
      if (name.indexOf("UInt") === 0) {
        hide(Buffer.prototype, "readUint" + name.slice(4), read);
        hide(Buffer.prototype, "writeUint" + name.slice(4), write);
      }
    });
    hide(G, "Buffer", Buffer);
  }

  // ------------------------------------------------------------------------------------------
  // 1.0 byte strings (CloudFront guide "JavaScript runtime 1.0 features for CloudFront Functions" "Nonstandard methods"): a byte string
  // is a string whose characters are all 0–255.

  var NOT_BYTES = /[^\u0000-\u00ff]/;
  if (!v2) {
    hide(String, "bytesFrom", function bytesFrom(value, encoding) {
      if (typeof value === "string") {
        if (encoding !== "hex" && encoding !== "base64" && encoding !== "base64url") throw new TypeError('Unknown encoding: "' + encoding + '"');
        return hostEncode(hostDecode(value, encoding), "latin1");
      }
      if (value === null || typeof value !== "object" || typeof value.length !== "number") throw new TypeError("value must be a string or an array of octets");
      var out = "";
      for (var i = 0; i < value.length; i++) out += String.fromCharCode(Number(value[i]) & 255);
      return out;
    });
    hide(String.prototype, "fromBytes", function fromBytes(start, end) {
      var s = String(this).slice(start, end);
      return NOT_BYTES.test(s) ? null : s;
    });
    hide(String.prototype, "toBytes", function toBytes(start, end) {
      var s = String(this).slice(start, end);
      return NOT_BYTES.test(s) ? null : s;
    });
    hide(String.prototype, "fromUTF8", function fromUTF8(start, end) {
      var s = String(this).slice(start, end);
      if (NOT_BYTES.test(s)) return null;
      var text = hostEncode(hostDecode(s, "latin1"), "utf8");
      // Invalid UTF-8 decodes to U+FFFD; the round trip tells it apart from a real one.
      return hostEncode(hostDecode(text, "utf8"), "latin1") === s ? text : null;
    });
    hide(String.prototype, "toUTF8", function toUTF8(start, end) {
      return hostEncode(hostDecode(String(this).slice(start, end), "utf8"), "latin1");
    });
  }

  // ------------------------------------------------------------------------------------------
  // crypto: createHash / createHmac with md5, sha1, sha256 (docs/functions.md §2)

  var DIGESTS = { md5: true, sha1: true, sha256: true };
  var DIGEST_ENCODINGS = { hex: true, base64: true, base64url: true };
  // The data stays here until digest(): one host call per hash, not one per update() (a call
  // into the host costs several microseconds).
  function Hash(algorithm, key, hmac) {
    if (typeof algorithm !== "string" || !hasOwn.call(DIGESTS, algorithm)) throw new TypeError('not supported algorithm: "' + algorithm + '"');
    this._algorithm = algorithm;
    this._key = hmac ? toHostBytes(key, "key") : undefined;
    this._parts = [];
    this._text = true;
    this._done = false;
  }
  Hash.prototype.update = function update(data, inputEncoding) {
    if (this._done) throw new Error("Digest already called");
    if (typeof data === "string") {
      var enc = encodingOf(inputEncoding);
      if (enc !== "utf8") {
        data = hostDecode(data, enc);
        this._text = false;
      }
    } else {
      data = toHostBytes(data, "data");
      this._text = false;
    }
    this._parts.push(data);
    return this;
  };
  Hash.prototype.digest = function digest(encoding) {
    if (this._done) throw new Error("Digest already called");
    this._done = true;
    var out;
    if (encoding === undefined) out = v2 ? "buffer" : "latin1"; // 2.0: a Buffer, 1.0: a byte string (docs/functions.md §2)
    else if (hasOwn.call(DIGEST_ENCODINGS, encoding)) out = encoding;
    else throw new TypeError('Unknown digest encoding: "' + encoding + '"');
    var parts = this._parts;
    this._parts = [];
    var data = this._text ? parts.join("") : undefined;
    if (data === undefined || data.indexOf("\0") >= 0) {
      data = concatBytes(parts.map(function (p) {
        return new Uint8Array(typeof p === "string" ? hostDecode(p, "utf8") : p);
      })).buffer;
    }
    var key = typeof this._key === "string" && this._key.indexOf("\0") >= 0 ? hostDecode(this._key, "utf8") : this._key;
    var result = host.digest(this._algorithm, key, data, out === "latin1" ? "buffer" : out);
    if (out === "latin1") return hostEncode(result, "latin1");
    return out === "buffer" ? new Buffer(result, 0, result.byteLength) : result;
  };
  var cryptoModule = {
    createHash: function createHash(algorithm) {
      return new Hash(algorithm, undefined, false);
    },
    createHmac: function createHmac(algorithm, key) {
      return new Hash(algorithm, key, true);
    },
  };

  // ------------------------------------------------------------------------------------------
  // querystring (docs/functions.md §2): parse/decode, stringify/encode, escape, unescape

  function unescapeQuery(s) {
    try {
      return decodeURIComponent(s);
    } catch (e) {
      return s;
    }
  }
  function primitive(v) {
    if (typeof v === "string") return v;
    if (typeof v === "number") return isFinite(v) ? String(v) : "";
    if (typeof v === "bigint") return String(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    return "";
  }
  var querystringModule = {
    escape: function escape(s) {
      return encodeURIComponent(String(s));
    },
    unescape: function unescape(s) {
      return unescapeQuery(String(s));
    },
    parse: function parse(str, sep, eq, options) {
      sep = sep || "&";
      eq = eq || "=";
      var decode = options && typeof options.decodeURIComponent === "function" ? options.decodeURIComponent : querystringModule.unescape;
      var maxKeys = options && typeof options.maxKeys === "number" ? options.maxKeys : 1000;
      var out = {};
      if (typeof str !== "string" || str.length === 0) return out;
      var parts = str.split(sep);
      if (maxKeys > 0 && parts.length > maxKeys) parts = parts.slice(0, maxKeys);
      for (var i = 0; i < parts.length; i++) {
        if (parts[i] === "") continue;
        var at = parts[i].indexOf(eq);
        var k = decode((at >= 0 ? parts[i].slice(0, at) : parts[i]).replace(/\+/g, " "));
        var v = at >= 0 ? decode(parts[i].slice(at + eq.length).replace(/\+/g, " ")) : "";
        if (!hasOwn.call(out, k)) setOwn(out, k, v);
        else if (Array.isArray(out[k])) out[k].push(v);
        else out[k] = [out[k], v];
      }
      return out;
    },
    stringify: function stringify(obj, sep, eq, options) {
      sep = sep || "&";
      eq = eq || "=";
      var encode = options && typeof options.encodeURIComponent === "function" ? options.encodeURIComponent : querystringModule.escape;
      if (obj === null || typeof obj !== "object") return "";
      var parts = [];
      Object.keys(obj).forEach(function (key) {
        var v = obj[key];
        var k = encode(primitive(key)) + eq;
        if (Array.isArray(v)) v.forEach(function (item) { parts.push(k + encode(primitive(item))); });
        else parts.push(k + encode(primitive(v)));
      });
      return parts.join(sep);
    },
  };
  querystringModule.decode = querystringModule.parse;
  querystringModule.encode = querystringModule.stringify;

  // ------------------------------------------------------------------------------------------
  // cloudfront (2.0): KeyValueStore handles and origin changes (docs/functions.md §4.3)

  function storeArn(id) {
    if (id === undefined) {
      if (kvsArns.length === 0) throw new Error("No key value store is associated with this function");
      return kvsArns[0];
    }
    for (var i = 0; i < kvsArns.length; i++) {
      if (kvsArns[i] === id || kvsArns[i].slice(kvsArns[i].lastIndexOf("/") + 1) === id) return kvsArns[i];
    }
    throw new Error('The key value store "' + id + '" is not associated with this function');
  }
  function checkKey(key) {
    if (typeof key !== "string" || key.length === 0 || key.indexOf("\0") >= 0) throw new TypeError("The key must be a non-empty string");
    return key;
  }
  /** A KVS read as a promise: the host answers at once on the edge's thread, later in the worker. */
  function hostKvs(op, arn, key) {
    var answer;
    try {
      answer = host.kvs(op, arn, key);
    } catch (e) {
      return RealPromise.reject(e);
    }
    return answer instanceof RealPromise ? answer : promiseResolve(answer);
  }
  function kvsHandle(arn) {
    return {
      get: function get(key, options) {
        checkKey(key);
        var format = options && options.format !== undefined ? options.format : "string";
        if (format !== "string" && format !== "json" && format !== "bytes") throw new TypeError('Unknown format: "' + format + '" (string, json or bytes)');
        return hostKvs("get", arn, key).then(function (json) {
          if (json === undefined) throw new Error('Key "' + key + '" not found');
          var value = JSONparse(json);
          if (format === "json") return JSONparse(value);
          if (format === "bytes") return Buffer.from(value, "utf8");
          return value;
        });
      },
      exists: function exists(key) {
        checkKey(key);
        return hostKvs("get", arn, key).then(function (value) {
          return value !== undefined;
        });
      },
      meta: function meta() {
        return hostKvs("meta", arn, "").then(function (json) {
          if (json === undefined) throw new Error("The key value store does not exist");
          return JSONparse(json);
        });
      },
    };
  }
  function originChange(name) {
    if (!running) throw new Error(name + " can only be called while handling a request");
    if (rEventType !== "viewer-request") throw new Error(name + " is available in viewer-request functions only");
  }
  function originList() {
    if (rOrigin === NONE) {
      rOrigin = [];
      STATUS[S_CHANGED] |= CHANGED_ORIGIN;
    }
    return rOrigin;
  }
  function detached(value) {
    return value === undefined ? undefined : JSONparse(JSONstringify(value));
  }
  var cloudfrontModule = {
    kvs: function kvs(id) {
      return kvsHandle(storeArn(id));
    },
    updateRequestOrigin: function updateRequestOrigin(params) {
      originChange("updateRequestOrigin");
      originList().push({ type: "updateRequestOrigin", params: detached(params) });
    },
    selectRequestOriginById: function selectRequestOriginById(originId) {
      originChange("selectRequestOriginById");
      originList().push({ type: "selectRequestOriginById", originId: originId });
    },
    createRequestOriginGroup: function createRequestOriginGroup(params) {
      originChange("createRequestOriginGroup");
      originList().push({ type: "createRequestOriginGroup", params: detached(params) });
    },
  };
  defineProperty(cloudfrontModule, "edgeLocation", {
    enumerable: true,
    get: function () {
      if (!running || rEventType !== "viewer-request") return {};
      return edgeOf() || {};
    },
  });

  // ------------------------------------------------------------------------------------------
  // require / import

  var modules = { crypto: cryptoModule, querystring: querystringModule };
  if (v2) modules.buffer = { Buffer: Buffer };
  function requireModule(name) {
    if (typeof name === "string" && hasOwn.call(modules, name)) return modules[name];
    throw new Error('Cannot find module "' + name + '"');
  }
  hide(G, "require", requireModule);
  // Target of the rewritten 2.0 import declarations (syntax.ts).
  hide(G, "__cfModule", function (name) {
    return v2 && name === "cloudfront" ? cloudfrontModule : requireModule(name);
  });

  // ------------------------------------------------------------------------------------------
  // The event, built lazily from the host's flat encoding (wire.ts documents the layout). Object
  // creation is what costs in QuickJS (about 0.2 µs a property), so the event, the request and the
  // response are made of accessors shared by all requests (one Object.create each); a map is built
  // from the encoding on its first read, and the run remembers whether the request or response
  // could have changed since. Their five (four) members are not configurable, so they cannot be
  // deleted or redefined behind the accessors' back (a deviation: `delete event.request.headers`
  // throws a TypeError here).

  // What the host reads of a run straight from the WebAssembly memory, without a call into QuickJS
  // (raw-calls.ts, which allocated its bytes): whether the run needed the event text it was not
  // sent, and whether anything could have changed the request or response (for an async handler's
  // result). Private to the prelude.
  var STATUS = new Int32Array(statusBuffer);
  var S_NEED_INPUT = 0, S_CHANGED = 1;
  // Bits of STATUS[S_CHANGED]: the request or response may have changed, a line was logged, an
  // origin change was asked for, the event came as JSON (never "unchanged").
  var CHANGED_REQUEST = 1, CHANGED_RESPONSE = 2, CHANGED_LOGS = 4, CHANGED_ORIGIN = 8, NOT_LAZY = 16;
  /** Thrown when a run reads the event text it was not sent. */
  var NEED_INPUT = freeze({ needInput: true });
  /** No logs or origin changes (yet): shared, so that a run allocates none until it has some. */
  var NONE = freeze([]);

  var SEP = "\x01";
  // Fixed fields of the encoding (wire.ts FIELD).
  var F_RAW_QUERY = 3, F_EDGE = 4, F_VERSION = 7, F_DOMAIN = 8, F_DIST_ID = 9, F_REQUEST_ID = 10, F_IP = 11, F_METHOD = 12,
    F_URI = 13, F_QUERY = 14, F_HEADERS = 15, F_COOKIES = 16, F_STATUS = 17, F_STATUS_TEXT = 18, F_RES_HEADERS = 19, F_RES_COOKIES = 20;
  // Bits of the flags (wire.ts FLAG); `packed` is now * 128 + flags.
  var HAS_RAW_QUERY = 1, HAS_EDGE = 2, HAS_DOMAIN = 4, HAS_DIST_ID = 8, HAS_REQUEST_ID = 16, HAS_STATUS_TEXT = 32, IS_RESPONSE = 64;
  /** A member not built yet. */
  var UNSET = freeze({});

  function putOwn(obj, name, value) {
    // A header or cookie named __proto__ is an ordinary key (as JSON.parse makes it).
    if (name === "__proto__") setOwn(obj, name, value);
    else obj[name] = value;
  }
  function cookieItem(value, attributes) {
    return attributes === "" ? { value: value } : { value: value, attributes: attributes };
  }
  /** A map of the encoding at `i`: values (`cookies` false) or Set-Cookie items (value, attributes). */
  function readMap(p, i, cookies) {
    var width = cookies ? 2 : 1;
    var out = {};
    var n = +p[i++];
    for (var k = 0; k < n; k++) {
      var name = p[i++];
      var count = +p[i++];
      var all = [];
      for (var j = 0; j < count; j++, i += width) all.push(cookies ? cookieItem(p[i], p[i + 1]) : { value: p[i] });
      var first = all[0];
      if (count === 1) {
        putOwn(out, name, first);
        continue;
      }
      var entry = first.attributes === undefined ? { value: first.value } : { value: first.value, attributes: first.attributes };
      entry.multiValue = all;
      putOwn(out, name, entry);
    }
    return out;
  }
  function readValues(p, i) {
    return readMap(p, i, false);
  }
  function readSetCookies(p, i) {
    return readMap(p, i, true);
  }
  function fields() {
    if (rP === null) {
      if (rInput === undefined) {
        // The host sent no event text (this context's runs have not read any so far): note it and
        // give up; the host runs the request again with the text (sandbox.ts "Runs without the event").
        STATUS[S_NEED_INPUT] = 1;
        throw NEED_INPUT;
      }
      rP = rInput.split(SEP);
    }
    return rP;
  }

  /**
   * An accessor pair for member `name` of the event ("e"), request ("q") or response ("s") of the
   * current request, kept in slot `slot` of the run: `build()` makes the value on first read;
   * reading a `mutable` one (an object the handler could change) or writing any marks the request
   * or response as changed.
   */
  var SLOT_COUNT = 0;
  function member(part, name, build, mutable, configurable, fixed) {
    var slot = SLOT_COUNT++;
    var isRequest = part === "q";
    var isResponse = part === "s";
    return {
      enumerable: true,
      configurable: configurable,
      get: function () {
        if (!running || this !== (isRequest ? rQ : isResponse ? rS : rE)) return undefined;
        var slots = rSlots;
        // A member that is the same object in every run (event.request) needs no slot until assigned.
        if (slots === null) {
          if (fixed) return build();
          slots = rSlots = freshSlots();
        }
        var v = slots[slot];
        if (v === UNSET) v = slots[slot] = build();
        if (mutable) STATUS[S_CHANGED] |= isRequest ? CHANGED_REQUEST : CHANGED_RESPONSE;
        return v;
      },
      set: function (value) {
        if (!running || this !== (isRequest ? rQ : isResponse ? rS : rE)) {
          setOwn(this, name, value);
          return;
        }
        (rSlots || (rSlots = freshSlots()))[slot] = value;
        if (isRequest) STATUS[S_CHANGED] |= CHANGED_REQUEST;
        else if (isResponse) STATUS[S_CHANGED] |= CHANGED_RESPONSE;
      },
    };
  }
  var rawQueryStringFn = function rawQueryString() {
    if (!running) return undefined;
    if (rRawQuery === UNSET) rRawQuery = rFlags & HAS_RAW_QUERY ? fields()[F_RAW_QUERY] : undefined;
    return rRawQuery;
  };
  var REQUEST_PARTS = {
    method: member("q", "method", function () { return fields()[F_METHOD]; }, false, false),
    uri: member("q", "uri", function () { return fields()[F_URI]; }, false, false),
    querystring: member("q", "querystring", function () { var p = fields(); return readValues(p, +p[F_QUERY]); }, true, false),
    headers: member("q", "headers", function () { var p = fields(); return readValues(p, +p[F_HEADERS]); }, true, false),
    cookies: member("q", "cookies", function () { var p = fields(); return readValues(p, +p[F_COOKIES]); }, true, false),
  };
  // 2.0: event.request.rawQueryString() (docs/functions.md §4.1), not enumerable so JSON shows no trace of it.
  if (v2) REQUEST_PARTS.rawQueryString = { value: rawQueryStringFn, writable: true, enumerable: false, configurable: true };
  var RESPONSE_PARTS = {
    statusCode: member("s", "statusCode", function () { return +fields()[F_STATUS]; }, false, false),
    statusDescription: member("s", "statusDescription", function () { return fields()[F_STATUS_TEXT]; }, false, false),
    headers: member("s", "headers", function () { var p = fields(); return readValues(p, +p[F_RES_HEADERS]); }, true, false),
    cookies: member("s", "cookies", function () { var p = fields(); return readSetCookies(p, +p[F_RES_COOKIES]); }, true, false),
  };
  // Without a statusDescription when the host had none (the flags say).
  var RESPONSE_PARTS_NO_TEXT = { statusCode: RESPONSE_PARTS.statusCode, headers: RESPONSE_PARTS.headers, cookies: RESPONSE_PARTS.cookies };
  function contextObject() {
    var p = fields();
    var f = rFlags;
    var c = {};
    if (f & HAS_DOMAIN) c.distributionDomainName = p[F_DOMAIN];
    if (f & HAS_DIST_ID) c.distributionId = p[F_DIST_ID];
    c.eventType = rEventType;
    if (f & HAS_REQUEST_ID) c.requestId = p[F_REQUEST_ID];
    return c;
  }
  var EVENT_PARTS = {
    version: member("e", "version", function () { return fields()[F_VERSION]; }, false, true),
    context: member("e", "context", contextObject, false, true),
    viewer: member("e", "viewer", function () { return { ip: fields()[F_IP] }; }, false, true),
    request: member("e", "request", function () { return rQ; }, false, true, true),
  };
  var RESPONSE_EVENT_PARTS = {
    version: EVENT_PARTS.version,
    context: EVENT_PARTS.context,
    viewer: EVENT_PARTS.viewer,
    request: EVENT_PARTS.request,
    response: member("e", "response", function () { return rS; }, false, true, true),
  };
  // The slots of a run start as this array's copy (an array literal is QuickJS's cheapest way to
  // make one; keep its length in step with the members above).
  function freshSlots() {
    return [UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET];
  }
  if (freshSlots().length !== SLOT_COUNT) throw new Error("prelude: freshSlots() must have " + SLOT_COUNT + " slots");

  // The objects themselves are made once per context: defining accessors costs about 0.5 µs a
  // member in QuickJS, more than the rest of a trivial run. lockdown() freezes them with the realm,
  // so no request can leave anything on them (adding a member throws a TypeError, and such a run is
  // repeated in an unfrozen context of its own, see sandbox.ts); what a member holds lives in the
  // run's slots. So a request cannot tell them from new objects.
  var EVENTS = {
    request: objectCreate(ObjectPrototype, REQUEST_PARTS),
    response: objectCreate(ObjectPrototype, RESPONSE_PARTS),
    responseNoText: objectCreate(ObjectPrototype, RESPONSE_PARTS_NO_TEXT),
    requestEvent: objectCreate(ObjectPrototype, EVENT_PARTS),
    responseEvent: objectCreate(ObjectPrototype, RESPONSE_EVENT_PARTS),
  };

  var REQUEST = EVENTS.request, REQUEST_EVENT = EVENTS.requestEvent;
  function lazyEvent(input, packed) {
    var flags = packed % 128;
    rInput = input;
    rFlags = flags;
    rNow = (packed - flags) / 128;
    rQ = REQUEST;
    if (flags & IS_RESPONSE) {
      rEventType = "viewer-response";
      rS = flags & HAS_STATUS_TEXT ? EVENTS.response : EVENTS.responseNoText;
      rE = EVENTS.responseEvent;
    } else {
      rEventType = "viewer-request";
      rE = REQUEST_EVENT;
    }
    return rE;
  }

  /** The event from JSON (events the flat encoding does not cover, e.g. TestFunction's). */
  function jsonEvent(input, now, rawQuery, edgeJson) {
    var event = JSONparse(input);
    STATUS[S_CHANGED] = NOT_LAZY;
    rE = rQ = undefined;
    rNow = now;
    rEventType = event !== null && typeof event === "object" && event.context ? event.context.eventType : undefined;
    rRawQuery = rawQuery;
    rEdge = edgeJson;
    if (v2 && event !== null && typeof event.request === "object" && event.request !== null) hide(event.request, "rawQueryString", rawQueryStringFn);
    return event;
  }

  /** The edge location of the current request: from the flat encoding or JSON (built on first use). */
  function edgeOf() {
    if (rEdge === UNSET) {
      var p = fields();
      rEdge = rFlags & HAS_EDGE ? { name: p[F_EDGE], serverIp: p[F_EDGE + 1], region: p[F_EDGE + 2] } : undefined;
    } else if (typeof rEdge === "string") {
      rEdge = JSONparse(rEdge);
    }
    return rEdge;
  }

  /** The handler returned the event's own request or response, and nothing could have changed it. */
  function unchanged(out) {
    var changed = STATUS[S_CHANGED];
    if (out === rQ) return rS === undefined && (changed & ~CHANGED_RESPONSE) === 0;
    return out === rS && rS !== undefined && (changed & ~CHANGED_REQUEST) === 0;
  }

  // What invoke and settle answer.
  var DONE_UNCHANGED = 0, DONE = 1;

  function finish(out) {
    if (unchanged(out)) return DONE_UNCHANGED;
    rJson = JSONstringify({ output: out === undefined ? null : out, undefinedOutput: out === undefined, origin: rOrigin, logs: rLogs });
    return DONE;
  }

  // ------------------------------------------------------------------------------------------
  // Nothing outlives a request: everything the code can reach is frozen before the first one

  // Data properties that ordinary code assigns on objects inheriting them (`this.name = ...` in an
  // Error subclass, `obj.toString = ...`). On a frozen prototype such an assignment would throw (the
  // "override mistake"), so they become accessors whose setter defines the property on the object
  // assigned to, the way an assignment would had the prototype not been frozen.
  // (Each read of one of them calls a getter, so the list stays short.)
  var OVERRIDABLE = [
    [ObjectPrototype, ["constructor", "toString", "toLocaleString", "valueOf"]],
    [Function.prototype, ["toString"]],
    [Array.prototype, ["constructor", "toString"]],
    [RealPromise.prototype, ["constructor"]],
  ];
  [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, G.InternalError, G.AggregateError].forEach(function (E) {
    if (typeof E === "function") OVERRIDABLE.push([E.prototype, ["constructor", "name", "message", "toString"]]);
  });
  function makeOverridable(obj, name) {
    var d = getOwnPropertyDescriptor(obj, name);
    if (!d || !hasOwn.call(d, "value")) return;
    var value = d.value;
    defineProperty(obj, name, {
      enumerable: d.enumerable,
      configurable: false,
      get: function () {
        return value;
      },
      set: function (v) {
        if (this === obj) throw new TypeError("Cannot assign to read only property '" + name + "'");
        defineProperty(this, name, { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
  }
  /** Freezes `roots` and everything reachable from them: properties, accessors, prototypes. */
  function harden(roots) {
    var seen = new Set();
    var todo = roots.slice();
    while (todo.length > 0) {
      var o = todo.pop();
      if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) continue;
      seen.add(o);
      freeze(o);
      todo.push(getPrototypeOf(o));
      var keys = ownKeys(o);
      for (var i = 0; i < keys.length; i++) {
        var d = getOwnPropertyDescriptor(o, keys[i]);
        if (!d) continue;
        if (hasOwn.call(d, "value")) todo.push(d.value);
        else todo.push(d.get, d.set);
      }
    }
  }
  function lockdown() {
    // A cleanup callback could run during a later request.
    delete G.FinalizationRegistry;
    OVERRIDABLE.forEach(function (entry) {
      entry[1].forEach(function (name) {
        makeOverridable(entry[0], name);
      });
    });
    // Intrinsics that no global names.
    var generator = function* () {};
    var asyncFn = async function () {};
    var asyncGenerator = async function* () {};
    harden([
      G, getPrototypeOf(generator), getPrototypeOf(asyncFn), getPrototypeOf(asyncGenerator),
      getPrototypeOf([][Symbol.iterator]()), getPrototypeOf(""[Symbol.iterator]()), getPrototypeOf(new Map().entries()),
      getPrototypeOf(new Set().values()), getPrototypeOf(/x/[Symbol.matchAll]("x")), getPrototypeOf(generator()),
      cryptoModule, querystringModule, cloudfrontModule, Hash.prototype, modules,
      REQUEST_PARTS, RESPONSE_PARTS, RESPONSE_PARTS_NO_TEXT, EVENT_PARTS, RESPONSE_EVENT_PARTS, UNSET, EVENTS, NEED_INPUT, NONE,
    ]);
  }

  // ------------------------------------------------------------------------------------------
  // One request

  // Nothing is allocated for a run until it needs it (logs, origin changes, slots): QuickJS's
  // allocations are a good part of a trivial run's cost.
  function begin(a, b, rawQuery, edgeJson) {
    rOrigin = rLogs = NONE;
    rLogBytes = 0;
    rJson = rS = rOut = undefined;
    rP = rSlots = null;
    rRawQuery = rEdge = UNSET;
    STATUS[S_NEED_INPUT] = 0;
    STATUS[S_CHANGED] = 0;
    running = true;
    return typeof a === "number" ? lazyEvent(b, a) : jsonEvent(a, b, rawQuery, edgeJson);
  }

  return {
    /** `reuse`: the code is its handler's declaration alone (syntax.ts `handlerOnly`): one handler serves every run. */
    setFactory: function (fn, reuse) {
      factory = fn;
      reuseHandler = reuse === true;
    },
    lockdown: lockdown,
    /**
     * Runs the handler on one request: (`now * 128 + flags`, the flat encoding or undefined when the
     * host did not send it), or (the event's JSON, now, rawQueryString, edgeLocation JSON). Answers
     * DONE_UNCHANGED, DONE (result() has the JSON), or the promise of an async handler: the host
     * watches it (running the jobs) and calls settle() with its value unless STATUS and the value
     * tell it the request or response came back untouched.
     */
    invoke: function (a, b, rawQuery, edgeJson) {
      var event = begin(a, b, rawQuery, edgeJson);
      var handlerFn = reuseHandler ? sharedHandler || (sharedHandler = factory.call(G)) : factory.call(G);
      if (typeof handlerFn !== "function") throw new ReferenceError('"handler" is not defined');
      var out = handlerFn(event);
      // The event's own request or response is no thenable (frozen, as Object.prototype is).
      if (v2 && out !== rQ && out !== null && typeof out === "object" && typeof out.then === "function") {
        return out instanceof RealPromise ? out : promiseResolve(out);
      }
      rOut = out;
      return finish(out);
    },
    /** What an async handler's promise resolved to: DONE_UNCHANGED or DONE. */
    settle: function (value) {
      return finish(value);
    },
    /**
     * invoke's answer again, after the promise callbacks the handler queued have run: for an async
     * handler run as an ordinary function (syntax.ts `asyncRunsSync`), whose result is taken, as
     * an async function's would be, after them.
     */
    resettle: function () {
      return finish(rOut);
    },
    /** The result as JSON: {output, undefinedOutput, origin, logs}. */
    result: function () {
      return rJson;
    },
    /** The current run's log lines as JSON (a failed run has no result to carry them). */
    takeLogs: function () {
      return JSONstringify(running ? rLogs : []);
    },
    /** The objects an untouched result is (the host compares with them). */
    request: EVENTS.request,
    response: EVENTS.response,
    responseNoText: EVENTS.responseNoText,
  };
});
