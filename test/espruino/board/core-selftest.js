// Self-test of the BUILT core bundle (dist/espruino/core.js, global `glowmq`) in the board's
// JS subset: run after the bundle in the real Espruino interpreter or in the vm stand-in.
// Plays a broker over an in-memory transport with real timers. Prints one line per check
// and ends with "SELFTEST PASS n" or "SELFTEST FAIL <what>".
(function () {
  var g = glowmq, codec = g.boardCodec, fails = [], passed = 0;
  function ok(c, what) { if (c) passed++; else { fails.push(what); console.log('FAIL ' + what); } }
  function hex(u) { var s = ''; for (var i = 0; i < u.length; i++) s += (u[i] < 16 ? '0' : '') + u[i].toString(16); return s; }
  function str(u) { return g.utf8Decode(u); }

  // --- codec: bytes checked against MQTT 3.1.1 by hand
  ok(hex(codec.encode({ cmd: 'pingreq' })) == 'c000', 'encode PINGREQ');
  ok(hex(codec.encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/b', qos: 1 }] })) == '820800010003612f6201', 'encode SUBSCRIBE');
  ok(hex(codec.encode({ cmd: 'publish', topic: 't', payload: g.utf8Encode('hi'), qos: 1, retain: false, dup: false, messageId: 10 })) == '3207000174000a6869', 'encode PUBLISH QoS 1');
  var got = [], err = null;
  var p = codec.parser(1024, function (x) { got.push(x); }, function (e) { err = e; });
  var bytes = new Uint8Array([0x20, 2, 1, 0, 0x30, 5, 0, 1, 0x78, 0x6f, 0x6b, 0x90, 3, 0, 1, 0]);
  for (var i = 0; i < bytes.length; i++) p.feed(bytes.subarray(i, i + 1)); // one byte at a time
  ok(!err && got.length == 3, 'parse 3 packets fed byte by byte');
  ok(got[0] && got[0].cmd == 'connack' && got[0].sessionPresent === true && got[0].returnCode === 0, 'parse CONNACK');
  ok(got[1] && got[1].cmd == 'publish' && got[1].topic == 'x' && str(got[1].payload) == 'ok', 'parse PUBLISH');
  ok(got[2] && got[2].cmd == 'suback' && got[2].granted[0] === 0, 'parse SUBACK');
  var perr = null;
  codec.parser(1024, function () {}, function (e) { perr = e; }).feed(new Uint8Array([0x36, 3, 0, 1, 0x78])); // QoS 3
  ok(perr != null, 'reject QoS 3');
  // Builds without Unicode strings (Pico, WiFi, ESP8266, ESP32: E.asUTF8 throws) hold text as
  // its UTF-8 bytes, and a \u escape in source is cut to one byte there: the same text is
  // written as those bytes (\x escapes stay bytes on every build).
  var byteStrings = false;
  try { if (typeof E != 'undefined') E.asUTF8(''); } catch (e) { byteStrings = true; }
  console.log('strings: ' + (byteStrings ? 'bytes only (no Unicode support in this build)' : 'Unicode'));
  var degC = byteStrings ? '\xc2\xb0C' : '\u00b0C', xian = byteStrings ? '\xe7\x8e\xb0' : '\u73b0', zai = byteStrings ? '\xe5\x9c\xa8' : '\u5728';
  ok(hex(g.utf8Encode(degC + ' ' + xian)) == 'c2b04320e78eb0', 'UTF-8 encode');
  ok(str(g.utf8Encode(degC)) == degC, 'UTF-8 decode (Latin-1 range)');
  // String.fromCharCode is byte-wide on the board: code points above 255 need E.asUTF8.
  ok(str(g.utf8Encode(xian + zai)) == xian + zai, 'UTF-8 decode (CJK, the seed phrases)');
  ok(str(new Uint8Array([0xe7, 0x8e, 0xb0])) == xian, 'UTF-8 decode of received bytes (a topic from the broker)');
  // Structure is checked in every build (full validation, overlong forms and surrogates, is the opt-in utf8 module).
  ok(str(new Uint8Array([0x80])) === null && str(new Uint8Array([0xe7, 0x8e])) === null, 'malformed UTF-8 refused');
  ok(g.topicMatches('a/+/c', 'a/b/c') && g.topicMatches('a/#', 'a/b/c') && !g.topicMatches('+/x', '$SYS/x'), 'topic matching');
  ok(g.topicNameError('a/+') != '' && g.topicFilterError('a/#/b') != '', 'topic validation');
  try {
    var r = new g.Router(), hits = 0;
    r.add('s/+', function () { hits++; });
    r.add('s/#', function () { hits++; });
    ok(r.dispatch('s/1', new Uint8Array(0)) == 2 && hits == 2, 'router dispatches to every match');
  } catch (e) { ok(false, 'router: ' + e.message); }

  // --- client against a tiny broker played here, through a Transport, with real timers
  var broker = { h: null, pkts: [] };
  var platform = {
    now: function () { return Date.now(); },
    setTimeout: function (f, ms) { return setTimeout(f, ms); },
    clearTimeout: function (t) { if (t != null) clearTimeout(t); },
    random: function () { return Math.random(); },
  };
  // The broker's side of the codec (client → broker packets), by hand: the board codec
  // parses only what a broker sends.
  function brokerParse(b) {
    var type = b[0] >> 4, i = 1, m = 1, n = 0, d;
    do { d = b[i++]; n += (d & 127) * m; m *= 128; } while (d & 128);
    var u16 = function (k) { return (b[k] << 8) | b[k + 1]; };
    if (type == 1) return { cmd: 'connect', clientId: str(b.subarray(i + 12, i + 12 + u16(i + 10))) };
    if (type == 8) return { cmd: 'subscribe', messageId: u16(i) };
    if (type == 6) return { cmd: 'pubrel', messageId: u16(i) };
    if (type == 14) return { cmd: 'disconnect' };
    if (type == 12) return { cmd: 'pingreq' };
    if (type == 3) {
      var qos = (b[0] >> 1) & 3, tl = u16(i), k = i + 2 + tl, id;
      if (qos) { id = u16(k); k += 2; }
      return { cmd: 'publish', topic: str(b.subarray(i + 2, i + 2 + tl)), qos: qos, messageId: id, payload: b.subarray(k, i + n) };
    }
    return { cmd: 'type' + type };
  }
  function transport() {
    var t = {
      open: function (h) { broker.h = h; setTimeout(function () { h.onOpen(); }, 1); },
      // one packet per write (the client writes whole packets); copied, as a socket would
      // (Uint8Array.slice returns a plain Array on the board: copy with set)
      write: function (b) { var cp = new Uint8Array(b.length); cp.set(b); var pk = brokerParse(cp); setTimeout(function () { broker.pkts.push(pk); answer(pk); }, 1); return true; },
      close: function () { var h = broker.h; broker.h = null; if (h) h.onClose(); },
    };
    return t;
  }
  // ...and the broker's encoder, by hand, for the same reason.
  function reply(b) { var h = broker.h; if (h) h.onData(new Uint8Array(b)); }
  function ack(type, id) { reply([type, 2, id >> 8, id & 255]); }
  function answer(pk) {
    if (pk.cmd == 'connect') reply([0x20, 2, 0, 0]);
    if (pk.cmd == 'subscribe') reply([0x90, 3, pk.messageId >> 8, pk.messageId & 255, 1]);
    if (pk.cmd == 'publish') {
      if (pk.qos == 1) ack(0x40, pk.messageId);
      if (pk.qos == 2) ack(0x50, pk.messageId);
      var t = g.utf8Encode(pk.topic), out = [0x30, 2 + t.length + pk.payload.length, 0, t.length], i;
      for (i = 0; i < t.length; i++) out.push(t[i]);
      for (i = 0; i < pk.payload.length; i++) out.push(pk.payload[i]);
      reply(out);
    }
    if (pk.cmd == 'pubrel') ack(0x70, pk.messageId);
  }
  var c = new g.Client({ clientId: 'selftest', keepalive: 30 }, { platform: platform, transport: transport, codec: codec });
  var msgs = [], done = {};
  c.on('message', function (t, pl) { msgs.push(t + '=' + str(pl)); });
  c.on('connect', function () {
    done.connect = 1;
    c.subscribe('st/#', { qos: 1 }, function (e, granted) { done.sub = !e && granted.length == 1 ? 1 : 0; });
    c.publish('st/q0', 'zero', { qos: 0 });
    c.publish('st/q1', 'one', { qos: 1 }, function (e) { done.q1 = e ? 0 : 1; });
    c.publish('st/q2', 'two', { qos: 2 }, function (e) { done.q2 = e ? 0 : 1; });
  });
  try { c.connect(); } catch (e) { ok(false, 'connect: ' + e.message); }
  setTimeout(function () {
    ok(done.connect == 1 && c.connected, 'client connects (CONNECT/CONNACK)');
    ok(done.sub == 1, 'SUBSCRIBE completes with SUBACK');
    ok(done.q1 == 1, 'QoS 1 publish completes at PUBACK');
    ok(done.q2 == 1, 'QoS 2 publish completes at PUBCOMP');
    ok(msgs.join() == 'st/q0=zero,st/q1=one,st/q2=two', 'messages come back in order: ' + msgs.join());
    ok(broker.pkts[0] && broker.pkts[0].cmd == 'connect' && broker.pkts[0].clientId == 'selftest', 'CONNECT carries the client id');
    c.end(false, function () { ok(c.state == 'closed', 'end() closes'); });
    setTimeout(function () {
      ok(broker.pkts.length > 0 && broker.pkts[broker.pkts.length - 1].cmd == 'disconnect', 'end() sends DISCONNECT');
      if (typeof process != 'undefined' && process.memory) console.log('MEMORY ' + process.memory().usage);
      console.log(fails.length ? 'SELFTEST FAIL ' + fails.join('; ') : 'SELFTEST PASS ' + passed);
    }, 100);
  }, 300);
})();
