// Checks the signed QR payload in the page address (#1:...) in the browser, without any network:
// base64url -> zlib (DecompressionStream 'deflate') -> COSE_Sign1 (CBOR tag 18) -> ES256 signature
// checked with WebCrypto against the key set embedded in the page -> fields compared with the record.
// docs/qr-payload.md describes the format. Exposed as window.PravahQr for tests.
(function () {
  "use strict";

  function b64urlDecode(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function b64urlEncode(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    var out = new Uint8Array(await new Response(stream).arrayBuffer());
    if (out.length > 4096) throw new Error("payload too large");
    return out;
  }

  // A small CBOR decoder: unsigned/negative integers, byte and text strings, arrays, maps, tags.
  function cborDecode(bytes) {
    var pos = 0;
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    function need(n) { if (pos + n > bytes.length) throw new Error("truncated CBOR"); }
    function length(info) {
      if (info < 24) return info;
      var size = {24: 1, 25: 2, 26: 4, 27: 8}[info];
      if (!size) throw new Error("unsupported CBOR length");
      need(size);
      var value = 0;
      for (var i = 0; i < size; i++) value = value * 256 + bytes[pos + i];
      pos += size;
      return value;
    }
    function item() {
      need(1);
      var initial = bytes[pos++], major = initial >> 5, info = initial & 31;
      if (major === 7) {
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        throw new Error("unsupported CBOR simple value");
      }
      var n = length(info), i, out;
      switch (major) {
        case 0: return n;
        case 1: return -1 - n;
        case 2: need(n); out = bytes.slice(pos, pos + n); pos += n; return out;
        case 3: need(n); out = new TextDecoder("utf-8", {fatal: true}).decode(bytes.subarray(pos, pos + n)); pos += n; return out;
        case 4: out = []; for (i = 0; i < n; i++) out.push(item()); return out;
        case 5: out = new Map(); for (i = 0; i < n; i++) { var k = item(); out.set(k, item()); } return out;
        case 6: return {tag: n, value: item()};
      }
      throw new Error("unsupported CBOR item");
    }
    var value = item();
    if (pos !== bytes.length) throw new Error("trailing bytes after CBOR");
    return value;
  }

  function cborHead(major, n) {
    if (n < 24) return [(major << 5) | n];
    if (n < 256) return [(major << 5) | 24, n];
    return [(major << 5) | 25, n >> 8, n & 255];
  }

  // Sig_structure = ["Signature1", protected, h'', payload] (RFC 9052 section 4.4).
  function sigStructure(protectedBytes, payload) {
    var context = new TextEncoder().encode("Signature1");
    var parts = [[0x84], cborHead(3, context.length), context, cborHead(2, protectedBytes.length), protectedBytes,
                 [0x40], cborHead(2, payload.length), payload];
    var total = parts.reduce(function (sum, p) { return sum + p.length; }, 0);
    var out = new Uint8Array(total), at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  // Returns {ok: true, claims: {...}, kid} or {ok: false, reason}.
  async function verifyFragment(fragment, keySet) {
    var text = fragment.replace(/^#/, "");
    if (text.indexOf("1:") !== 0) return {ok: false, reason: "format"};
    var message;
    try {
      message = cborDecode(await inflate(b64urlDecode(text.slice(2))));
    } catch (e) {
      return {ok: false, reason: "damaged"};
    }
    if (!message || message.tag !== 18 || !Array.isArray(message.value) || message.value.length !== 4) {
      return {ok: false, reason: "damaged"};
    }
    var protectedBytes = message.value[0], payload = message.value[2], signature = message.value[3];
    var header, claims;
    try {
      header = cborDecode(protectedBytes);
      claims = cborDecode(payload);
    } catch (e) {
      return {ok: false, reason: "damaged"};
    }
    if (!(header instanceof Map) || header.get(1) !== -7 || !(claims instanceof Map) ||
        !(signature instanceof Uint8Array) || signature.length !== 64) {
      return {ok: false, reason: "damaged"};
    }
    var kid = header.get(4) instanceof Uint8Array ? b64urlEncode(header.get(4)) : "";
    var jwk = (keySet.keys || []).filter(function (k) { return k.kid === kid; })[0];
    if (!jwk) return {ok: false, reason: "unknown_key"};
    var key = await crypto.subtle.importKey("jwk", {kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true},
                                            {name: "ECDSA", namedCurve: "P-256"}, false, ["verify"]);
    var good = await crypto.subtle.verify({name: "ECDSA", hash: "SHA-256"}, key, signature,
                                          sigStructure(protectedBytes, payload));
    if (!good) return {ok: false, reason: "signature"};
    var plain = {};
    claims.forEach(function (v, k) { plain[k] = v; });
    if (typeof plain.exp === "number" && Date.now() / 1000 >= plain.exp) return {ok: false, reason: "expired", claims: plain};
    return {ok: true, claims: plain, kid: kid};
  }

  var COMPARED = ["uin", "name", "svc", "dept", "office", "iat"];

  function differences(claims, record) {
    return COMPARED.filter(function (field) {
      return record[field] !== undefined && record[field] !== null && claims[field] !== record[field];
    });
  }

  function show(root, verdict, claims, diff) {
    root.hidden = false;
    root.querySelectorAll("[data-verdict]").forEach(function (el) {
      el.hidden = el.getAttribute("data-verdict") !== verdict;
    });
    root.setAttribute("data-result", verdict);
    if (!claims) return;
    var list = root.querySelector("[data-claims]");
    list.hidden = false;
    list.querySelectorAll("[data-field]").forEach(function (dd) {
      var field = dd.getAttribute("data-field"), value = claims[field];
      if (field === "iat" && typeof value === "number") {
        var locale = document.documentElement.lang === "bn" ? "bn-IN" : "en-IN";
        value = new Date(value * 1000).toLocaleString(locale, {timeZone: "Asia/Kolkata", day: "numeric",
          month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false});
      }
      dd.textContent = value === undefined ? "—" : String(value);
      if (diff && diff.indexOf(field) >= 0) dd.classList.add("mismatch");
    });
  }

  async function run() {
    var root = document.getElementById("qr-check");
    if (!root || !window.location.hash) return;
    if (!window.crypto || !crypto.subtle || typeof DecompressionStream === "undefined") {
      show(root, "unsupported");
      return;
    }
    var keySet = JSON.parse(document.getElementById("qr-keys").textContent);
    var record = JSON.parse(document.getElementById("qr-record").textContent);
    var result;
    try {
      result = await verifyFragment(window.location.hash, keySet);
    } catch (e) {
      result = {ok: false, reason: "damaged"};
    }
    if (!result.ok) {
      show(root, result.reason === "expired" ? "expired" : "invalid");
      return;
    }
    if (!record) { show(root, "no_record", result.claims); return; }
    var diff = differences(result.claims, record);
    if (diff.length) { show(root, "mismatch", result.claims, diff); return; }
    show(root, record.status === "REVOKED" ? "revoked" : "match", result.claims);
  }

  globalThis.PravahQr = {verifyFragment: verifyFragment, cborDecode: cborDecode, differences: differences};
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
    window.addEventListener("hashchange", run);
  }
})();
