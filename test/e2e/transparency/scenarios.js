/*
 * Page scripts of the transparency suite, served as-is (plain JS, no build step, so what runs is
 * exactly what is written here). `runScenario(name, params)` runs one scenario and resolves with a
 * JSON-serializable log of everything the app could observe. The same script runs in Chromium with
 * and without the extension; the test compares the two logs.
 *
 * Logging writes by index (`log[log.length] = x`) instead of `push` so the hostile scenarios can
 * replace `Array.prototype.push` without changing the logger.
 */
(function () {
  'use strict';
  const RealJSON = JSON;
  const stringify = JSON.stringify;

  function hex(u8) {
    let s = '';
    for (let i = 0; i < u8.length; i++) s += (u8[i] < 16 ? '0' : '') + u8[i].toString(16);
    return s;
  }
  function concat(chunks) {
    let n = 0;
    for (const c of chunks) n += c.byteLength;
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.byteLength;
    }
    return out;
  }
  async function sha256(u8) {
    return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', u8)));
  }
  function err(e) {
    if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return { primitive: typeof e, value: String(e) };
    return {
      ctor: e.constructor && e.constructor.name,
      name: e.name,
      message: e.message,
      code: e.code,
      isError: e instanceof Error,
      isTypeError: e instanceof TypeError,
      isDOMException: e instanceof DOMException,
      cause: e.cause === undefined ? undefined : String(e.cause),
    };
  }
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  /** Resolves once `cond()` holds (checked every few ms); throws, naming `what`, after 10 s. */
  async function waitFor(cond, what) {
    const deadline = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
      await sleep(5);
    }
  }
  function sorted(a) {
    return Array.from(a, String).sort();
  }
  function attrs(obj, key) {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    if (!d) return null;
    return { writable: d.writable, enumerable: d.enumerable, configurable: d.configurable, hasGet: !!d.get, hasSet: !!d.set, hasValue: 'value' in d };
  }
  function fnInfo(f) {
    return { type: typeof f, name: f.name, length: f.length, own: sorted(Object.getOwnPropertyNames(f)), hasPrototype: 'prototype' in f };
  }

  function describeResponse(r) {
    return {
      isResponse: r instanceof Response,
      protoIsResponse: Object.getPrototypeOf(r) === Response.prototype,
      constructorIsResponse: r.constructor === Response,
      tag: Object.prototype.toString.call(r),
      own: Object.getOwnPropertyNames(r),
      ownSymbols: Object.getOwnPropertySymbols(r).length,
      keys: Object.keys(r),
      url: r.url,
      redirected: r.redirected,
      type: r.type,
      status: r.status,
      statusText: r.statusText,
      ok: r.ok,
      // The Date header is the server's clock, not something the hook could change.
      headers: Array.from(r.headers, ([k, v]) => [k, k === 'date' ? '<date>' : v]),
      headersIsHeaders: r.headers instanceof Headers,
      headersSame: r.headers === r.headers,
      contentType: r.headers.get('content-type'),
      bodyUsed: r.bodyUsed,
      bodyIsStream: r.body instanceof ReadableStream,
      bodySame: r.body === r.body,
      bodyLocked: r.body ? r.body.locked : null,
    };
  }
  /** Tries to mutate response headers: fetched responses' headers are immutable. */
  function headerMutations(r) {
    const out = {};
    for (const [op, args] of [['set', ['x-a', 'b']], ['append', ['x-a', 'b']], ['delete', ['content-type']], ['set', ['bad name', 'x']]]) {
      try {
        r.headers[op](...args);
        out[op + ':' + args[0]] = 'ok';
      } catch (e) {
        out[op + ':' + args[0]] = err(e);
      }
    }
    out.after = Array.from(r.headers, ([k, v]) => [k, k === 'date' ? '<date>' : v]);
    return out;
  }
  async function readAll(reader) {
    const chunks = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array)) throw new Error('chunk is not a Uint8Array');
      chunks[chunks.length] = value;
    }
    return concat(chunks);
  }

  const S = {};

  // ---------------------------------------------------------------- fetch: bytes and responses
  S['fetch-bodies'] = async (log) => {
    for (const body of ['sse', 'ndjson', 'plain', 'json']) {
      for (const chunk of ['one', 'utf8', 'crlf', 'random']) {
        const r = await fetch(`/stream?body=${body}&chunk=${chunk}`);
        const entry = { body, chunk, before: describeResponse(r) };
        const reader = r.body.getReader();
        entry.lockedWhileReading = r.body.locked;
        entry.bodyUsedAfterGetReader = r.bodyUsed;
        const bytes = await readAll(reader);
        entry.hex = hex(bytes);
        entry.text = new TextDecoder().decode(bytes);
        entry.afterDone = await reader.read();
        entry.closed = await reader.closed;
        entry.bodyUsedAfter = r.bodyUsed;
        try {
          await r.text();
          entry.textAfter = 'ok';
        } catch (e) {
          entry.textAfter = err(e);
        }
        log[log.length] = entry;
      }
    }
  };

  S['fetch-large'] = async (log) => {
    for (const body of ['large', 'largesse']) {
      const r = await fetch(`/stream?body=${body}&chunk=random`);
      const bytes = await readAll(r.body.getReader());
      log[log.length] = { body, type: r.headers.get('content-type'), length: bytes.length, sha256: await sha256(bytes) };
      const r2 = await fetch(`/stream?body=${body}&chunk=random`);
      const buf = await r2.arrayBuffer();
      log[log.length] = { body, via: 'arrayBuffer', isArrayBuffer: buf instanceof ArrayBuffer, length: buf.byteLength, sha256: await sha256(new Uint8Array(buf)) };
    }
  };

  S['fetch-consume'] = async (log) => {
    const url = (body, type) => `/stream?body=${body}&chunk=random` + (type ? `&type=${encodeURIComponent(type)}` : '');
    const attempt = async (label, fn) => {
      try {
        log[log.length] = { label, ok: await fn() };
      } catch (e) {
        log[log.length] = { label, error: err(e) };
      }
    };
    await attempt('text sse', async () => {
      const r = await fetch(url('sse'));
      const before = r.bodyUsed;
      const p = r.text();
      const during = r.bodyUsed;
      return { before, during, text: await p, after: r.bodyUsed };
    });
    await attempt('json on event-stream typed json', async () => (await fetch(url('json', 'text/event-stream'))).json());
    await attempt('json on ndjson (syntax error)', async () => (await fetch(url('ndjson'))).json());
    await attempt('arrayBuffer ndjson', async () => hex(new Uint8Array(await (await fetch(url('ndjson'))).arrayBuffer())));
    await attempt('blob sse', async () => {
      const b = await (await fetch(url('sse'))).blob();
      return { isBlob: b instanceof Blob, size: b.size, type: b.type, text: await b.text() };
    });
    await attempt('bytes ndjson', async () => {
      const r = await fetch(url('ndjson'));
      if (typeof r.bytes !== 'function') return 'no bytes()';
      const u = await r.bytes();
      return { isU8: u instanceof Uint8Array, hex: hex(u) };
    });
    await attempt('formData on sse', async () => (await fetch(url('sse'))).formData());
    await attempt('text twice', async () => {
      const r = await fetch(url('sse'));
      await r.text();
      return r.text();
    });
    await attempt('text while locked', async () => {
      const r = await fetch(url('sse'));
      r.body.getReader();
      return r.text();
    });
    await attempt('getReader twice', async () => {
      const r = await fetch(url('sse'));
      r.body.getReader();
      return r.body.getReader();
    });
    await attempt('body.cancel then text', async () => {
      const r = await fetch(url('sse'));
      const c = await r.body.cancel('not needed');
      return { c, used: r.bodyUsed, text: await r.text() };
    });
    await attempt('async iteration', async () => {
      const r = await fetch(url('ndjson'));
      const chunks = [];
      for await (const c of r.body) chunks[chunks.length] = c;
      return hex(concat(chunks));
    });
    await attempt('pipeThrough TextDecoderStream', async () => {
      const r = await fetch(url('sse'));
      const rd = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let s = '';
      for (;;) {
        const { done, value } = await rd.read();
        if (done) break;
        s += value;
      }
      return { s, locked: r.body.locked, used: r.bodyUsed };
    });
    await attempt('headers immutable (sse)', async () => headerMutations(await fetch(url('sse'))));
    await attempt('headers immutable (plain)', async () => headerMutations(await fetch(url('plain'))));
  };

  S['fetch-byob'] = async (log) => {
    // How many bytes one BYOB read returns depends on what has arrived by then, natively too:
    // the exact sizes are compared on a body sent in one write (all of it has arrived with the
    // headers), and on a randomly chunked body only what the reads add up to.
    const whole = await fetch('/stream?body=ndjson&chunk=whole');
    try {
      const rd = whole.body.getReader({ mode: 'byob' });
      const reads = [];
      for (const size of [4, 1, 7, 4096]) {
        const { done, value } = await rd.read(new Uint8Array(size));
        reads[reads.length] = { size, done, hex: value ? hex(value) : null, view: value && value.buffer.byteLength };
      }
      log[log.length] = { byob: reads, end: await rd.read(new Uint8Array(8)).then((x) => ({ done: x.done, length: x.value && x.value.length })) };
    } catch (e) {
      log[log.length] = { byob: err(e) };
    }
    const chunked = await fetch('/stream?body=ndjson&chunk=random');
    try {
      const rd = chunked.body.getReader({ mode: 'byob' });
      const parts = [];
      for (;;) {
        const { done, value } = await rd.read(new Uint8Array(5));
        if (done) break;
        if (value.length === 0 || value.length > 5) throw new Error('a BYOB read returned ' + value.length + ' bytes into 5');
        parts[parts.length] = new Uint8Array(value);
      }
      log[log.length] = { byobChunked: hex(concat(parts)) };
    } catch (e) {
      log[log.length] = { byobChunked: err(e) };
    }
  };

  S['fetch-clone'] = async (log) => {
    const r = await fetch('/stream?body=sse&chunk=utf8');
    const c = r.clone();
    log[log.length] = { orig: describeResponse(r), clone: describeResponse(c), distinct: c !== r, headersDistinct: c.headers !== r.headers, bodyDistinct: c.body !== r.body };
    const [a, b] = await Promise.all([readAll(r.body.getReader()).then(hex), c.text()]);
    log[log.length] = { a, b, usedA: r.bodyUsed, usedB: c.bodyUsed };
    try {
      r.clone();
      log[log.length] = 'clone after use: ok';
    } catch (e) {
      log[log.length] = { cloneAfterUse: err(e) };
    }
    const r2 = await fetch('/stream?body=ndjson&chunk=one');
    const c2 = r2.clone();
    const c3 = c2.clone();
    log[log.length] = { cloneHeaders: headerMutations(c3.clone()) };
    log[log.length] = { c3: describeResponse(c3), texts: await Promise.all([r2.text(), c2.text(), c3.text()]) };
  };

  S['fetch-redirect'] = async (log) => {
    const to = encodeURIComponent('/stream?body=sse&chunk=random');
    const r = await fetch(`/redirect?to=${to}`);
    log[log.length] = { follow: describeResponse(r), text: await r.text() };
    const r2 = await fetch(`/redirect?code=307&to=${encodeURIComponent('/redirect?to=' + to)}`);
    log[log.length] = { twice: describeResponse(r2), text: await r2.text() };
    const m = await fetch(`/redirect?to=${to}`, { redirect: 'manual' });
    log[log.length] = { manual: describeResponse(m) };
    try {
      await fetch(`/redirect?to=${to}`, { redirect: 'error' });
    } catch (e) {
      log[log.length] = { redirectError: err(e) };
    }
  };

  S['fetch-request-input'] = async (log) => {
    const req = new Request('/stream?body=ndjson&chunk=one', { headers: { 'x-test': 'yes' } });
    const r = await fetch(req);
    log[log.length] = { resp: describeResponse(r), text: await r.text(), reqUsed: req.bodyUsed };
    const post = new Request('/echo', { method: 'POST', body: 'request body ✓', headers: { 'x-test': 'req' } });
    const e1 = await (await fetch(post)).json();
    log[log.length] = { echo: e1, postUsed: post.bodyUsed };
    try {
      await fetch(post);
      log[log.length] = 'reused: ok';
    } catch (e) {
      log[log.length] = { reused: err(e) };
    }
    const over = await (await fetch(new Request('/echo', { method: 'POST', body: 'a' }), { body: 'overridden', method: 'PUT', headers: { 'x-test': 'init' } })).json();
    log[log.length] = { over };
    const u = await fetch(new URL('/stream?body=plain&chunk=random', location.href));
    log[log.length] = { urlInput: describeResponse(u), text: await u.text() };
    const obj = await fetch({ toString: () => '/stream?body=json&chunk=random' });
    log[log.length] = { toStringInput: obj.url, json: await obj.json() };
  };

  S['fetch-upload'] = async (log) => {
    const post = async (label, init) => {
      try {
        const r = await fetch('/echo', { method: 'POST', ...init });
        const j = await r.json();
        if (j.contentType && j.contentType.startsWith('multipart/form-data')) {
          // The multipart boundary is random per request: keep only its shape.
          j.contentType = 'multipart/form-data; boundary=<random>';
          j.text = j.text.length;
          j.hex = j.hex.length;
        }
        log[log.length] = { label, echo: j };
      } catch (e) {
        log[log.length] = { label, error: err(e) };
      }
    };
    await post('string', { body: 'hello ✓ wörld 🚀', headers: { 'x-test': 's' } });
    await post('URLSearchParams', { body: new URLSearchParams({ a: '1', b: 'ü ö', c: '&=' }) });
    await post('Blob', { body: new Blob(['blob ', new Uint8Array([0, 255, 128])], { type: 'application/x-thing' }) });
    await post('ArrayBuffer', { body: new Uint8Array([1, 2, 3, 250]).buffer });
    await post('Uint8Array subarray', { body: new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 4) });
    await post('DataView', { body: new DataView(new Uint8Array([40, 41, 42, 43]).buffer, 1, 2) });
    const fd = new FormData();
    fd.set('k', 'v ✓');
    await post('FormData', { body: fd });
    const stream = () =>
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('streamed '));
          c.enqueue(new TextEncoder().encode('body ✓'));
          c.close();
        },
      });
    await post('ReadableStream duplex half', { body: stream(), duplex: 'half' });
    await post('ReadableStream without duplex', { body: stream() });
    await post('GET with body', { method: 'GET', body: 'x' });
    let pulls = 0;
    const counted = new ReadableStream({
      pull(c) {
        pulls += 1;
        if (pulls > 3) c.close();
        else c.enqueue(new Uint8Array([pulls]));
      },
    });
    await post('ReadableStream pulled', { body: counted, duplex: 'half' });
    log[log.length] = { pulls };
  };

  S['fetch-status'] = async (log) => {
    for (const path of [
      '/nope',
      '/stream?body=sse&status=500&statusText=Server%20Broke&chunk=random',
      '/stream?body=ndjson&status=201&statusText=&chunk=random',
      '/stream?body=sse&status=299&statusText=Odd&chunk=one',
      '/stream?body=sse&status=204&chunk=whole',
    ]) {
      const r = await fetch(path);
      log[log.length] = { path, resp: describeResponse(r), text: await r.text() };
    }
    const h = await fetch('/stream?body=sse', { method: 'HEAD' });
    log[log.length] = { head: describeResponse(h), text: await h.text() };
  };

  // ---------------------------------------------------------------- fetch: errors
  S['fetch-errors'] = async (log, params) => {
    const step = async (label, fn) => {
      try {
        log[log.length] = { label, ok: await fn() };
      } catch (e) {
        log[log.length] = { label, error: err(e) };
      }
    };
    await step('socket destroyed mid-body', async () => {
      const r = await fetch('/destroy');
      const rd = r.body.getReader();
      const got = [];
      try {
        for (;;) {
          const { done, value } = await rd.read();
          if (done) return { done: true, got: hex(concat(got)) };
          got[got.length] = value;
        }
      } catch (e) {
        let closed;
        try {
          await rd.closed;
          closed = 'resolved';
        } catch (e2) {
          closed = { same: e2 === e, e: err(e2) };
        }
        return { got: hex(concat(got)), rejection: err(e), closed, used: r.bodyUsed };
      }
    });
    await step('socket destroyed, text()', async () => (await fetch('/destroy?type=application/x-ndjson')).text());
    await step('connection refused', () => fetch(`http://127.0.0.1:${params.refused}/`));
    await step('abort before response', async () => {
      const ac = new AbortController();
      const p = fetch('/hang', { signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      try {
        await p;
        return 'resolved';
      } catch (e) {
        return { e: err(e), isReason: e === ac.signal.reason, reason: err(ac.signal.reason) };
      }
    });
    await step('abort before response, custom reason', async () => {
      const ac = new AbortController();
      const reason = new RangeError('my reason');
      const p = fetch('/hang', { signal: ac.signal });
      setTimeout(() => ac.abort(reason), 50);
      try {
        await p;
        return 'resolved';
      } catch (e) {
        return { e: err(e), isReason: e === reason };
      }
    });
    await step('abort before response, string reason', async () => {
      const ac = new AbortController();
      const p = fetch('/hang', { signal: ac.signal });
      setTimeout(() => ac.abort('just because'), 50);
      try {
        await p;
        return 'resolved';
      } catch (e) {
        return { e: err(e), typeof: typeof e };
      }
    });
    await step('already aborted signal', async () => {
      const reason = { custom: true };
      try {
        await fetch('/hang', { signal: AbortSignal.abort(reason) });
        return 'resolved';
      } catch (e) {
        return { isReason: e === reason, e: err(e) };
      }
    });
    await step('AbortSignal.timeout', async () => {
      try {
        await fetch('/hang', { signal: AbortSignal.timeout(60) });
        return 'resolved';
      } catch (e) {
        return err(e);
      }
    });
    for (const [label, reasonOf] of [
      ['abort mid-body (default reason)', () => undefined],
      ['abort mid-body (custom reason)', () => new SyntaxError('mid-body reason')],
    ]) {
      await step(label, async () => {
        const ac = new AbortController();
        const reason = reasonOf();
        const r = await fetch('/slow', { signal: ac.signal });
        const rd = r.body.getReader();
        const first = await rd.read();
        const pending = rd.read();
        ac.abort(reason);
        try {
          await pending;
          return 'resolved';
        } catch (e) {
          let closed;
          try {
            await rd.closed;
          } catch (e2) {
            closed = e2 === e;
          }
          return { first: hex(first.value), e: err(e), isReason: e === ac.signal.reason, closedSame: closed, used: r.bodyUsed };
        }
      });
    }
    await step('abort mid-body with text() pending', async () => {
      const ac = new AbortController();
      const r = await fetch('/slow?type=application/x-ndjson', { signal: ac.signal });
      const p = r.text();
      setTimeout(() => ac.abort(), 30);
      try {
        return await p;
      } catch (e) {
        return { e: err(e), isReason: e === ac.signal.reason };
      }
    });
    await step('abort after body done', async () => {
      const ac = new AbortController();
      const r = await fetch('/stream?body=sse&chunk=random', { signal: ac.signal });
      const t = await r.text();
      ac.abort();
      return t.length;
    });
    await step('reader.cancel mid-body', async () => {
      const r = await fetch('/slow');
      const rd = r.body.getReader();
      const first = await rd.read();
      const pending = rd.read();
      const cancelled = await rd.cancel('user stop');
      return { first: hex(first.value), cancelled, pending: await pending, next: await rd.read(), closed: await rd.closed, used: r.bodyUsed };
    });
    await step('reader.releaseLock then new reader', async () => {
      const r = await fetch('/stream?body=ndjson&chunk=random');
      const rd = r.body.getReader();
      const first = await rd.read();
      rd.releaseLock();
      const rest = await readAll(r.body.getReader());
      return hex(concat([first.value, rest]));
    });
  };

  S['fetch-bad-args'] = async (log) => {
    const cases = [
      ['no args', () => fetch()],
      ['invalid url', () => fetch('http://exa mple.com:99999/')],
      ['unsupported scheme', () => fetch('foo://bar')],
      ['credentials in url', () => fetch('http://user:pw@127.0.0.1/')],
      ['GET with body', () => fetch('/echo', { body: 'x' })],
      ['bad method', () => fetch('/echo', { method: 'B@D' })],
      ['forbidden method', () => fetch('/echo', { method: 'CONNECT' })],
      ['bad header name', () => fetch('/echo', { headers: { 'bad name': '1' } })],
      ['bad headers shape', () => fetch('/echo', { headers: [['a']] })],
      ['bad mode', () => fetch('/echo', { mode: 'nope' })],
      ['init is a number', () => fetch('/echo', 5)],
      ['symbol input', () => fetch(Symbol('s'))],
      ['signal not a signal', () => fetch('/echo', { signal: {} })],
      ['illegal this', () => fetch.call({}, '/echo')],
      ['duplex bad', () => fetch('/echo', { method: 'POST', body: 'x', duplex: 'full' })],
      ['body used stream', () => {
        const s = new ReadableStream();
        s.getReader();
        return fetch('/echo', { method: 'POST', body: s, duplex: 'half' });
      }],
    ];
    for (const [label, call] of cases) {
      let p;
      try {
        p = call();
      } catch (e) {
        log[log.length] = { label, sync: err(e) };
        continue;
      }
      const entry = { label, isPromise: p instanceof Promise };
      try {
        const r = await p;
        entry.resolved = r.status;
      } catch (e) {
        entry.rejected = err(e);
      }
      log[log.length] = entry;
    }
  };

  S['fetch-identity'] = async (log) => {
    log[log.length] = {
      fetch: fnInfo(fetch),
      same: fetch === window.fetch && fetch === globalThis.fetch && fetch === self.fetch,
      windowAttrs: attrs(window, 'fetch'),
      protoAttrs: attrs(Object.getPrototypeOf(window), 'fetch'),
      isFunction: fetch instanceof Function,
      protoOfFetch: Object.getPrototypeOf(fetch) === Function.prototype,
      response: fnInfo(Response),
      responseProto: sorted(Object.getOwnPropertyNames(Response.prototype)),
      responseStatics: sorted(Object.getOwnPropertyNames(Response)),
      getters: ['url', 'redirected', 'type', 'headers', 'body', 'bodyUsed', 'status'].map((k) => {
        const d = Object.getOwnPropertyDescriptor(Response.prototype, k);
        return { k, name: d.get.name, length: d.get.length, enumerable: d.enumerable, configurable: d.configurable };
      }),
      clone: fnInfo(Response.prototype.clone),
      headersProto: sorted(Object.getOwnPropertyNames(Headers.prototype)),
      headersSet: fnInfo(Headers.prototype.set),
      eventTargetProto: sorted(Object.getOwnPropertyNames(EventTarget.prototype)),
      addEventListener: fnInfo(EventTarget.prototype.addEventListener),
    };
    // Detached `this`: the getters must throw the native "Illegal invocation".
    for (const k of ['url', 'type', 'redirected', 'headers']) {
      try {
        Object.getOwnPropertyDescriptor(Response.prototype, k).get.call({});
        log[log.length] = { k, illegal: 'no throw' };
      } catch (e) {
        log[log.length] = { k, illegal: err(e) };
      }
    }
    try {
      Response.prototype.clone.call({});
    } catch (e) {
      log[log.length] = { cloneIllegal: err(e) };
    }
    // Microtask order: where the fetch promise settles relative to a microtask chain started at
    // the same moment. A wrapper that adds promise hops shifts it.
    const order = [];
    const chain = () => {
      let p = Promise.resolve();
      for (let i = 0; i < 6; i++) p = p.then(() => (order[order.length] = 'tick' + i));
      return p;
    };
    const rejected = fetch('http://exa mple.com/').catch(() => (order[order.length] = 'rejected'));
    await Promise.all([chain(), rejected]);
    const aborted = fetch('/hang', { signal: AbortSignal.abort() }).catch(() => (order[order.length] = 'aborted'));
    await Promise.all([chain(), aborted]);
    log[log.length] = { order };
  };

  // What a fingerprinting script reads off the wrapped functions: their source text, the stack
  // frames of a failing call (which would name our script, and the extension's id, if they
  // showed), and when an abort settles the app's promises relative to a microtask chain.
  S['faces'] = async (log, params) => {
    const toString = Function.prototype.toString;
    const face = (f) => (typeof f === 'function' ? toString.call(f) : typeof f);
    const everyFunction = (label, obj) => {
      for (const k of sorted(Object.getOwnPropertyNames(obj))) {
        const d = Object.getOwnPropertyDescriptor(obj, k);
        const entry = { label, k };
        if (typeof d.value === 'function') entry.value = face(d.value);
        if (d.get) entry.get = face(d.get);
        if (d.set) entry.set = face(d.set);
        if (entry.value || entry.get || entry.set) log[log.length] = entry;
      }
    };
    for (const name of ['fetch', 'WebSocket', 'EventSource', 'Worker', 'SharedWorker', 'XMLHttpRequest', 'Response', 'Headers']) {
      log[log.length] = { global: name, face: face(window[name]), fn: typeof window[name] === 'function' ? fnInfo(window[name]) : null };
    }
    log[log.length] = { toStringOfToString: face(toString), viaItself: toString.toString(), info: fnInfo(toString) };
    log[log.length] = { fetchToStringMethod: fetch.toString(), concat: '' + fetch, template: `${WebSocket}` };
    everyFunction('Response.prototype', Response.prototype);
    everyFunction('Headers.prototype', Headers.prototype);
    everyFunction('EventTarget.prototype', EventTarget.prototype);
    everyFunction('WebSocket.prototype', WebSocket.prototype);
    everyFunction('EventSource.prototype', EventSource.prototype);
    everyFunction('XMLHttpRequest.prototype', XMLHttpRequest.prototype);
    everyFunction('Navigator.prototype', Navigator.prototype);
    everyFunction('Function.prototype', Function.prototype);
    for (const k of ['open', 'send', 'setRequestHeader', 'abort', 'getResponseHeader', 'getAllResponseHeaders']) log[log.length] = { xhr: k, info: fnInfo(XMLHttpRequest.prototype[k]) };
    // The accessors a replayed XHR is answered through: the same descriptor shape and getter faces.
    for (const k of ['readyState', 'status', 'statusText', 'responseText', 'response', 'responseURL', 'responseXML', 'responseType', 'timeout']) {
      const d = Object.getOwnPropertyDescriptor(XMLHttpRequest.prototype, k);
      log[log.length] = { xhrAccessor: k, keys: Object.keys(d), enumerable: d.enumerable, configurable: d.configurable, get: fnInfo(d.get), set: d.set ? fnInfo(d.set) : null };
    }

    // Stacks, whole, of calls that fail inside the wrapped functions, synchronously and as rejections
    // (`stacks=0` logs the errors without them).
    const withStacks = params.stacks !== '0';
    const stackOf = (e) => (e && typeof e === 'object' ? String(e.stack) : String(e));
    const failing = [
      ['new WebSocket bad url', () => new WebSocket('bad url')],
      ['WebSocket send illegal this', () => WebSocket.prototype.send.call({}, 'x')],
      ['new EventSource bad url', () => new EventSource('http://[bad')],
      ['EventSource close illegal this', () => EventSource.prototype.close.call({})],
      ['xhr open bad method', () => new XMLHttpRequest().open('BAD METHOD', '/x')],
      ['xhr send before open', () => new XMLHttpRequest().send()],
      ['xhr readyState illegal this', () => Object.getOwnPropertyDescriptor(XMLHttpRequest.prototype, 'readyState').get.call({})],
      ['xhr getResponseHeader illegal this', () => XMLHttpRequest.prototype.getResponseHeader.call({}, 'a')],
      ['xhr getResponseHeader no argument', () => new XMLHttpRequest().getResponseHeader()],
      ['xhr abort illegal this', () => XMLHttpRequest.prototype.abort.call({})],
      ['xhr responseText of a json request', () => { const x = new XMLHttpRequest(); x.responseType = 'json'; return x.responseText; }],
      ['Response url illegal this', () => Object.getOwnPropertyDescriptor(Response.prototype, 'url').get.call({})],
      ['Response clone illegal this', () => Response.prototype.clone.call({})],
      ['Headers set illegal this', () => Headers.prototype.set.call({}, 'a', 'b')],
      ['addEventListener illegal this', () => EventTarget.prototype.addEventListener.call({}, 'x', () => {})],
      ['toString of an object', () => toString.call({})],
    ];
    for (const [label, f] of failing) {
      try {
        f();
        log[log.length] = { label, threw: false };
      } catch (e) {
        log[log.length] = withStacks ? { label, stack: stackOf(e) } : { label, error: err(e) };
      }
    }
    for (const [label, f] of [
      ['fetch bad method', () => fetch('/x', { method: 'BAD METHOD' })],
      ['fetch bad url', () => fetch('http://exa mple.com/')],
      ['fetch refused', () => fetch(`http://127.0.0.1:${new URLSearchParams(location.search).get('refused')}/`)],
    ]) {
      log[log.length] = { label, [withStacks ? 'stack' : 'error']: await f().then(() => 'resolved', withStacks ? stackOf : err) };
    }

    // Aborts while the request is in flight, and while the body streams.
    const order = [];
    const chain = () => {
      let p = Promise.resolve();
      for (let i = 0; i < 4; i++) p = p.then(() => (order[order.length] = 'tick' + i));
      return p;
    };
    const c1 = new AbortController();
    const inFlight = fetch('/hang', { signal: c1.signal }).catch((e) => (order[order.length] = 'aborted ' + e.name));
    c1.abort();
    await Promise.all([chain(), inFlight]);
    const c2 = new AbortController();
    const res = await fetch('/slow', { signal: c2.signal });
    const reader = res.body.getReader();
    await reader.read();
    const next = reader.read().catch((e) => (order[order.length] = 'read aborted ' + e.name));
    c2.abort();
    await Promise.all([chain(), next]);
    log[log.length] = { order };
  };

  // ---------------------------------------------------------------- WebSocket
  function wsUrl(path) {
    return `ws://${location.host}${path}`;
  }
  function recordSocket(ws, log, label) {
    const events = [];
    const pendings = [];
    const rec = (via) => (e) => {
      const entry = { label, via, type: e.type, readyState: ws.readyState, isTrusted: e.isTrusted, targetIsWs: e.target === ws, ctor: e.constructor.name };
      // bufferedAmount inside event handlers depends on when the network drained earlier sends
      // (it varies between runs without the extension): only the synchronous values after
      // send() are compared, in ws-echo's `sent`.
      if (e.type === 'message') {
        entry.origin = e.origin;
        entry.lastEventId = e.lastEventId;
        entry.ports = e.ports.length;
        entry.source = e.source;
        const d = e.data;
        if (typeof d === 'string') entry.text = d;
        else if (d instanceof ArrayBuffer) entry.arrayBuffer = hex(new Uint8Array(d));
        else if (d instanceof Blob) {
          entry.blob = { size: d.size, type: d.type };
          pendings[pendings.length] = d.arrayBuffer().then((b) => (entry.blob.hex = hex(new Uint8Array(b))));
        } else entry.other = String(d);
      }
      if (e.type === 'close') {
        entry.code = e.code;
        entry.reason = e.reason;
        entry.wasClean = e.wasClean;
      }
      if (e.type === 'open') {
        entry.protocol = ws.protocol;
        entry.extensions = ws.extensions;
      }
      events[events.length] = entry;
    };
    for (const t of ['open', 'message', 'error', 'close']) {
      ws['on' + t] = rec('on' + t);
      ws.addEventListener(t, rec('listener'));
    }
    const closed = new Promise((r) => ws.addEventListener('close', () => setTimeout(r, 20)));
    return {
      events,
      async done() {
        await closed;
        await Promise.all(pendings);
        log[log.length] = { label, events };
      },
    };
  }

  S['ws-identity'] = async (log) => {
    log[log.length] = {
      ctor: fnInfo(WebSocket),
      statics: sorted(Object.getOwnPropertyNames(WebSocket)),
      constants: [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED, WebSocket.prototype.OPEN, WebSocket.prototype.CLOSED],
      proto: sorted(Object.getOwnPropertyNames(WebSocket.prototype)),
      protoCtor: WebSocket.prototype.constructor === WebSocket,
      protoOfProto: Object.getPrototypeOf(WebSocket.prototype) === EventTarget.prototype,
      ctorProto: Object.getPrototypeOf(WebSocket) === EventTarget,
      send: fnInfo(WebSocket.prototype.send),
      close: fnInfo(WebSocket.prototype.close),
      windowAttrs: attrs(window, 'WebSocket'),
      constructorAttrs: attrs(WebSocket.prototype, 'constructor'),
      sendAttrs: attrs(WebSocket.prototype, 'send'),
      openAttrs: attrs(WebSocket, 'OPEN'),
    };
    const bad = [
      ['no new', () => WebSocket(wsUrl('/ws/echo'))],
      ['no args', () => new WebSocket()],
      ['bad scheme', () => new WebSocket('ftp://127.0.0.1/')],
      ['fragment', () => new WebSocket(wsUrl('/ws/echo#frag'))],
      ['duplicate protocols', () => new WebSocket(wsUrl('/ws/echo'), ['a', 'a'])],
      ['bad protocol token', () => new WebSocket(wsUrl('/ws/echo'), 'a b')],
      ['send illegal this', () => WebSocket.prototype.send.call({}, 'x')],
      ['close illegal this', () => WebSocket.prototype.close.call({})],
    ];
    for (const [label, fn] of bad) {
      try {
        const ws = fn();
        log[log.length] = { label, ok: { url: ws.url, readyState: ws.readyState } };
        ws.close();
      } catch (e) {
        log[log.length] = { label, error: err(e) };
      }
    }
  };

  S['ws-echo'] = async (log) => {
    const ws = new WebSocket(wsUrl('/ws/echo?x=1'), ['chat', 'superchat']);
    const r = recordSocket(ws, log, 'echo');
    log[log.length] = {
      instance: ws instanceof WebSocket,
      ctor: ws.constructor === WebSocket,
      proto: Object.getPrototypeOf(ws) === WebSocket.prototype,
      own: Object.getOwnPropertyNames(ws).filter((k) => !k.startsWith('on')),
      url: ws.url,
      readyState: ws.readyState,
      protocol: ws.protocol,
      extensions: ws.extensions,
      binaryType: ws.binaryType,
      bufferedAmount: ws.bufferedAmount,
    };
    try {
      ws.send('too early');
    } catch (e) {
      log[log.length] = { sendWhileConnecting: err(e) };
    }
    await new Promise((res) => ws.addEventListener('open', res));
    const sent = [];
    const send = (label, data) => {
      const res = ws.send(data);
      sent[sent.length] = { label, returned: res, bufferedAmount: ws.bufferedAmount };
    };
    send('string', 'hello ✓ 🚀');
    send('empty string', '');
    send('ArrayBuffer', new Uint8Array([0, 1, 2, 255]).buffer);
    send('Uint8Array subarray', new Uint8Array([10, 11, 12, 13, 14]).subarray(1, 3));
    send('Float32Array', new Float32Array([1.5, -2]));
    send('DataView', new DataView(new Uint8Array([7, 8, 9]).buffer, 1, 1));
    send('Blob', new Blob(['blob ✓', new Uint8Array([200])]));
    send('number', 42);
    log[log.length] = { sent };
    // The echoes decide how binaryType applies: wait for them, not for a guessed time.
    const echoes = () => r.events.filter((e) => e.type === 'message' && e.via === 'listener').length;
    await waitFor(() => echoes() >= sent.length, 'the echoes of the first sends');
    ws.binaryType = 'arraybuffer';
    log[log.length] = { binaryType: ws.binaryType };
    ws.send(new Uint8Array([3, 4, 5]));
    ws.send('binary');
    await waitFor(() => echoes() >= sent.length + 2, 'the echoes of the arraybuffer sends');
    try {
      ws.binaryType = 'nonsense';
    } catch (e) {
      log[log.length] = { badBinaryType: err(e) };
    }
    log[log.length] = { binaryTypeAfterBad: ws.binaryType };
    ws.binaryType = 'blob';
    ws.send('binary');
    await waitFor(() => echoes() >= sent.length + 3, 'the echo of the blob send');
    for (const [code, reason] of [[1001, ''], [4000, 'x'.repeat(124)]]) {
      try {
        ws.close(code, reason);
      } catch (e) {
        log[log.length] = { badClose: code, error: err(e) };
      }
    }
    ws.close(4000, 'client bye ✓');
    log[log.length] = { afterClose: ws.readyState };
    try {
      ws.send('after close');
      log[log.length] = { sendAfterClose: 'ok', bufferedAmount: ws.bufferedAmount };
    } catch (e) {
      log[log.length] = { sendAfterClose: err(e) };
    }
    ws.close();
    await r.done();
    log[log.length] = { final: ws.readyState, protocol: ws.protocol, extensions: ws.extensions };
  };

  S['ws-close'] = async (log, params) => {
    // Server-initiated close with a code and reason.
    const a = new WebSocket(wsUrl('/ws/server-close'));
    await recordSocket(a, log, 'server close').done();
    // The server asks for a close through the echo endpoint.
    const b = new WebSocket(wsUrl('/ws/echo'));
    const rb = recordSocket(b, log, 'server close on request');
    b.onopen = () => b.send('close:4999:asked ✓');
    await rb.done();
    // Abrupt destroy after a message: error, then close 1006.
    const c = new WebSocket(wsUrl('/ws/destroy'));
    const rc = recordSocket(c, log, 'destroyed');
    // The server destroys the connection when told the message arrived.
    c.addEventListener('message', () => c.send('got it'));
    await rc.done();
    // Connection refused.
    const d = new WebSocket(`ws://127.0.0.1:${params.refused}/`);
    await recordSocket(d, log, 'refused').done();
    // 404 on upgrade.
    const e = new WebSocket(wsUrl('/ws/unknown-path-is-still-echo'));
    const re = recordSocket(e, log, 'destroy on request');
    e.addEventListener('open', () => e.send('destroy'));
    await re.done();
    // Close before open.
    const f = new WebSocket(wsUrl('/ws/echo'));
    const rf = recordSocket(f, log, 'close while connecting');
    f.close(1000, 'never mind');
    await rf.done();
    // Burst of frames: all delivered, in order.
    const g = new WebSocket(wsUrl('/ws/echo'));
    g.binaryType = 'arraybuffer';
    const rg = recordSocket(g, log, 'burst');
    g.onopen = () => g.send('burst');
    g.addEventListener('message', (ev) => {
      if (ev.data instanceof ArrayBuffer) g.close();
    });
    await rg.done();
  };

  S['ws-subclass'] = async (log) => {
    class My extends WebSocket {
      constructor(url, protocols) {
        super(url, protocols);
        this.tag = 'mine';
      }
      greet() {
        this.send('hi from ' + this.tag);
      }
    }
    const ws = new My(wsUrl('/ws/echo'), 'chat');
    const r = recordSocket(ws, log, 'subclass');
    log[log.length] = {
      instanceMy: ws instanceof My,
      instanceWs: ws instanceof WebSocket,
      ctor: ws.constructor === My,
      protoChain: Object.getPrototypeOf(My) === WebSocket && Object.getPrototypeOf(My.prototype) === WebSocket.prototype,
      own: Object.getOwnPropertyNames(ws).filter((k) => !k.startsWith('on')),
      tag: ws.tag,
      name: My.name,
    };
    ws.onopen = () => ws.greet();
    ws.addEventListener('message', () => ws.close(1000));
    await r.done();
    const R = Reflect.construct(WebSocket, [wsUrl('/ws/echo')], My);
    log[log.length] = { reflect: R instanceof My, tag: R.tag, ctor: R.constructor === My };
    R.close();
  };

  // ---------------------------------------------------------------- EventSource
  function recordSource(es, log, label, listen) {
    const events = [];
    const rec = (via) => (e) => {
      const entry = { label, via, type: e.type, readyState: es.readyState, ctor: e.constructor.name, isTrusted: e.isTrusted, targetIsEs: e.target === es };
      if (e instanceof MessageEvent) {
        entry.data = e.data;
        entry.lastEventId = e.lastEventId;
        entry.origin = e.origin;
      }
      events[events.length] = entry;
    };
    for (const t of ['open', 'message', 'error']) es['on' + t] = rec('on' + t);
    for (const t of listen) es.addEventListener(t, rec('listener'));
    return events;
  }

  S['es-identity'] = async (log) => {
    log[log.length] = {
      ctor: fnInfo(EventSource),
      statics: sorted(Object.getOwnPropertyNames(EventSource)),
      constants: [EventSource.CONNECTING, EventSource.OPEN, EventSource.CLOSED, EventSource.prototype.CLOSED],
      proto: sorted(Object.getOwnPropertyNames(EventSource.prototype)),
      protoCtor: EventSource.prototype.constructor === EventSource,
      close: fnInfo(EventSource.prototype.close),
      addEventListenerInherited: EventSource.prototype.addEventListener === EventTarget.prototype.addEventListener,
      ownAddEventListener: Object.prototype.hasOwnProperty.call(EventSource.prototype, 'addEventListener'),
      windowAttrs: attrs(window, 'EventSource'),
    };
    const es = new EventSource('/es?k=identity&mode=500');
    const es2 = new EventSource('/es?k=identity2&mode=500', { withCredentials: true });
    log[log.length] = {
      instance: es instanceof EventSource,
      ctor: es.constructor === EventSource,
      url: es.url,
      readyState: es.readyState,
      withCredentials: [es.withCredentials, es2.withCredentials],
      own: Object.getOwnPropertyNames(es),
      addSame: es.addEventListener === EventTarget.prototype.addEventListener,
    };
    es.close();
    es2.close();
    log[log.length] = { closed: [es.readyState, es2.readyState] };
    for (const [label, fn] of [
      ['no new', () => EventSource('/es')],
      ['bad url', () => new EventSource('http://exa mple.com/')],
      ['no args', () => new EventSource()],
    ]) {
      try {
        const e = fn();
        log[log.length] = { label, ok: e.url };
        e.close();
      } catch (e) {
        log[log.length] = { label, error: err(e) };
      }
    }
  };

  S['es-reconnect'] = async (log) => {
    const es = new EventSource('/es?k=reconnect&retry=60');
    const events = recordSource(es, log, 'reconnect', ['message', 'delta', 'other', 'done', 'open', 'error']);
    log[log.length] = { start: es.readyState };
    await new Promise((r) => es.addEventListener('done', r));
    es.close();
    log[log.length] = { afterClose: es.readyState };
    await sleep(150);
    log[log.length] = { events, seen: await (await fetch('/es-seen?k=reconnect')).json() };
  };

  S['es-errors'] = async (log, params) => {
    for (const [label, url] of [
      ['500', '/es?k=e500&mode=500'],
      ['wrong type', '/es?k=ewrong&mode=wrongtype'],
      ['404', '/nope'],
      ['refused', `http://127.0.0.1:${params.refused}/es`],
    ]) {
      const es = new EventSource(url);
      const events = recordSource(es, log, label, ['error', 'message']);
      await new Promise((r) => es.addEventListener('error', () => setTimeout(r, 100)));
      log[log.length] = { label, events, readyState: es.readyState };
      es.close();
    }
  };

  // ---------------------------------------------------------------- hostile but legal pages
  function collectPageErrors(log) {
    const errors = [];
    window.onerror = (msg, src, line, col, e) => {
      errors[errors.length] = { via: 'onerror', msg: String(msg), e: err(e) };
    };
    window.addEventListener('error', (e) => (errors[errors.length] = { via: 'error event', msg: e.message }), true);
    window.addEventListener('unhandledrejection', (e) => (errors[errors.length] = { via: 'unhandledrejection', reason: err(e.reason) }));
    return errors;
  }

  /** Exercises every transport once; the hostile scenarios run it after breaking something. */
  async function workout(log) {
    const out = {};
    const r = await fetch('/stream?body=sse&chunk=utf8', { method: 'GET', headers: { 'x-test': '1' } });
    out.sse = await r.text();
    const r2 = await fetch(new Request('/stream?body=ndjson&chunk=one'));
    out.ndjson = hex(await readAll(r2.body.getReader()));
    out.echo = await (await fetch('/echo', { method: 'POST', body: 'ping ✓' })).text();
    out.ws = await new Promise((resolve) => {
      const ws = new WebSocket(wsUrl('/ws/echo'));
      const got = [];
      ws.onopen = () => {
        ws.send('one');
        ws.send(new Uint8Array([1, 2]));
      };
      ws.onmessage = (e) => {
        got[got.length] = typeof e.data === 'string' ? e.data : 'blob:' + e.data.size;
        if (got.length === 2) ws.close(4000, 'done');
      };
      ws.onclose = (e) => resolve({ got, code: e.code, reason: e.reason, wasClean: e.wasClean });
    });
    out.es = await new Promise((resolve) => {
      const es = new EventSource('/es?k=workout&retry=40');
      const got = [];
      es.addEventListener('delta', (e) => (got[got.length] = 'delta:' + e.data));
      es.onmessage = (e) => (got[got.length] = e.data);
      es.addEventListener('done', () => {
        es.close();
        resolve(got);
      });
    });
    await sleep(50);
    return out;
  }

  /**
   * Replaces the built-ins a hook is tempted to call at run time (array, string, collection,
   * promise, typed-array, Blob, text-codec, URL and iterator methods, a few constructors, index
   * setters on Array.prototype and Object.prototype) with spies that note a call whose immediate
   * caller, or the caller of the built-in that called them, is extension code. Without the
   * extension the list is empty by construction; with it, it must be empty too: the hook uses
   * only the built-ins it captured at install.
   */
  function spyOnBuiltins() {
    const seen = [];
    const names = new Set();
    const apply = Reflect.apply;
    const ErrorCtor = Error;
    // Gecko names the frames of an add-on's MAIN-world script `<anonymous code>`, V8 by its URL.
    const ours = (line) => line !== undefined && (line.indexOf('-extension://') >= 0 || line.indexOf('@<anonymous code>') >= 0);
    /** The extension frame that called the spy (a failure names it, to find the call), or null. */
    const fromExtension = () => {
      const lines = new ErrorCtor().stack.split('\n');
      // V8: lines[0] "Error", [1] fromExtension, [2] note, [3] the spy (trap or setter), [4] its
      // caller, [5] the caller's caller (when a built-in called the spy on someone's behalf).
      // Gecko has no message line, and no frames for built-ins.
      const at = lines[0] === 'Error' ? 4 : 3;
      if (ours(lines[at])) return lines[at].trim();
      if (lines[at] !== undefined && lines[at].indexOf('(<anonymous>)') >= 0 && ours(lines[at + 1])) return lines[at + 1].trim();
      return null;
    };
    // The spies' own use of spied built-ins (split, indexOf…) must not count, nor recurse.
    let busy = false;
    const note = (name) => {
      if (busy) return;
      busy = true;
      try {
        const caller = fromExtension();
        if (caller && !names.has(name)) {
          names.add(name);
          seen[seen.length] = name + ' ← ' + caller.replace(/(chrome|moz)-extension:\/\/[^/]+\//, '');
        }
      } finally {
        busy = false;
      }
    };
    const restore = [];
    const spyMethod = (label, obj, key) => {
      const d = Object.getOwnPropertyDescriptor(obj, key);
      if (!d || !d.configurable) return;
      const name = label + '.' + String(key);
      const next = { ...d };
      if (typeof d.value === 'function' && key !== 'constructor') {
        const f = d.value;
        next.value = new Proxy(f, {
          apply(t, self, args) {
            note(name);
            return apply(t, self, args);
          },
          construct(t, args, nt) {
            note(name);
            return Reflect.construct(t, args, nt);
          },
        });
      } else if (d.get) {
        const get = d.get;
        next.get = new Proxy(get, { apply(t, self, args) { note(name + ' get'); return apply(t, self, args); } });
      } else return;
      Object.defineProperty(obj, key, next);
      restore[restore.length] = () => Object.defineProperty(obj, key, d);
    };
    const spyAll = (label, obj) => {
      for (const key of Reflect.ownKeys(obj)) spyMethod(label, obj, key);
    };
    const arrayIter = Object.getPrototypeOf([][Symbol.iterator]());
    const typed = Object.getPrototypeOf(Uint8Array.prototype);
    for (const [label, obj] of [
      ['Array.prototype', Array.prototype], ['ArrayIterator', arrayIter], ['String.prototype', String.prototype],
      ['WeakMap.prototype', WeakMap.prototype], ['WeakSet.prototype', WeakSet.prototype], ['Map.prototype', Map.prototype],
      ['Set.prototype', Set.prototype], ['MapIterator', Object.getPrototypeOf(new Map().entries())],
      ['Promise.prototype', Promise.prototype], ['Promise', Promise], ['TypedArray.prototype', typed],
      ['Uint8Array.prototype', Uint8Array.prototype], ['ArrayBuffer.prototype', ArrayBuffer.prototype],
      ['Blob.prototype', Blob.prototype], ['TextDecoder.prototype', TextDecoder.prototype], ['TextEncoder.prototype', TextEncoder.prototype],
      ['URL.prototype', URL.prototype], ['URLSearchParams.prototype', URLSearchParams.prototype], ['RegExp.prototype', RegExp.prototype],
      ['Number.prototype', Number.prototype], ['JSON', JSON], ['Math', Math], ['Object', Object], ['Array', Array], ['Date', Date],
      ['Object.prototype', Object.prototype], ['Function.prototype', Function.prototype],
      ['MessagePort.prototype', MessagePort.prototype], ['EventTarget.prototype', EventTarget.prototype],
      ['ReadableStream.prototype', ReadableStream.prototype], ['Headers.prototype', Headers.prototype],
    ]) spyAll(label, obj);
    for (const key of ['URL', 'Request', 'Headers', 'TextDecoder', 'TextEncoder', 'Blob', 'MessageEvent', 'CloseEvent', 'Event', 'CustomEvent', 'Promise', 'Error', 'TypeError', 'DOMException', 'Uint8Array', 'ArrayBuffer', 'AbortController', 'ReadableStream', 'Response', 'Map', 'WeakMap', 'Set']) {
      spyMethod('window', window, key);
    }
    // Index setters: an assignment past the end of an array (or object) reaches them.
    for (const [label, proto] of [['Array.prototype', Array.prototype], ['Object.prototype', Object.prototype]]) {
      for (const k of ['0', '1', '2', '3']) {
        const name = label + '[' + k + '] set';
        Object.defineProperty(proto, k, {
          configurable: true,
          set(v) {
            note(name);
            Object.defineProperty(this, k, { value: v, writable: true, enumerable: true, configurable: true });
          },
        });
        restore[restore.length] = () => delete proto[k];
      }
    }
    return { seen, restore: () => { for (let i = restore.length - 1; i >= 0; i--) restore[i](); } };
  }

  async function xhrWorkout() {
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('POST', '/echo');
      x.setRequestHeader('x-test', 'xhr');
      x.onloadend = () => resolve({ status: x.status, text: x.responseText });
      x.send('xhr ✓');
    });
  }

  /** Runs every transport (and an XHR) with something broken by `breakIt`, which returns its repair. */
  async function workoutWhile(log, breakIt) {
    const restore = breakIt();
    try {
      return { out: await workout(log), xhr: await xhrWorkout() };
    } finally {
      restore();
    }
  }

  S['hostile-builtins'] = async (log) => {
    const errors = collectPageErrors(log);
    let spies;
    const done = await workoutWhile(log, () => {
      spies = spyOnBuiltins();
      return spies.restore;
    });
    log[log.length] = { ...done, calledFromTheHook: spies.seen, errors };
  };

  S['hostile-throwing-collections'] = async (log) => {
    // The collection methods a hook keeps its state in, replaced by throwing ones: every
    // transport keeps working and nothing reaches the page.
    const errors = collectPageErrors(log);
    const boom = () => {
      throw new Error('page built-in called');
    };
    const done = await workoutWhile(log, () => {
      const saved = [];
      for (const proto of [WeakMap.prototype, WeakSet.prototype, Map.prototype, Set.prototype]) {
        for (const k of ['get', 'set', 'has', 'delete', 'add']) {
          if (!Object.prototype.hasOwnProperty.call(proto, k)) continue;
          saved[saved.length] = [proto, k, proto[k]];
          proto[k] = boom;
        }
      }
      return () => {
        for (const [proto, k, f] of saved) proto[k] = f;
      };
    });
    log[log.length] = { ...done, errors };
  };

  S['hostile-globals'] = async (log) => {
    const errors = collectPageErrors(log);
    const calls = { dispatchEvent: 0, etDispatch: 0, customEvent: 0, stringify: 0, push: 0, postMessage: 0, setTimeout: 0 };
    const realDispatch = window.dispatchEvent;
    window.dispatchEvent = function (e) {
      calls.dispatchEvent += 1;
      return realDispatch.call(this, e);
    };
    const etDispatch = EventTarget.prototype.dispatchEvent;
    EventTarget.prototype.dispatchEvent = function (e) {
      calls.etDispatch += 1;
      return etDispatch.call(this, e);
    };
    const RealCustomEvent = CustomEvent;
    window.CustomEvent = function CustomEvent(type, init) {
      calls.customEvent += 1;
      return new RealCustomEvent(type, init);
    };
    JSON.stringify = function () {
      calls.stringify += 1;
      return stringify.apply(RealJSON, arguments);
    };
    const realPush = Array.prototype.push;
    Array.prototype.push = function () {
      calls.push += 1;
      return realPush.apply(this, arguments);
    };
    const realPost = window.postMessage;
    window.postMessage = function () {
      calls.postMessage += 1;
      return realPost.apply(this, arguments);
    };
    const realSetTimeout = window.setTimeout;
    window.setTimeout = function () {
      calls.setTimeout += 1;
      return realSetTimeout.apply(this, arguments);
    };
    const out = await workout(log);
    window.setTimeout = realSetTimeout;
    Array.prototype.push = realPush;
    JSON.stringify = stringify;
    log[log.length] = { out, calls, errors };
  };

  S['hostile-throwing-globals'] = async (log) => {
    // The same globals replaced by versions that throw: our code must neither call them nor let
    // their exceptions reach the page.
    const errors = collectPageErrors(log);
    const saved = { d: window.dispatchEvent, ce: window.CustomEvent, js: JSON.stringify, et: EventTarget.prototype.dispatchEvent };
    const boom = () => {
      throw new Error('page global called');
    };
    window.dispatchEvent = boom;
    window.CustomEvent = boom;
    JSON.stringify = boom;
    EventTarget.prototype.dispatchEvent = boom;
    const out = await workout(log);
    window.dispatchEvent = saved.d;
    window.CustomEvent = saved.ce;
    JSON.stringify = saved.js;
    EventTarget.prototype.dispatchEvent = saved.et;
    log[log.length] = { out, errors };
  };

  S['hostile-object-prototype'] = async (log) => {
    // Getters on Object.prototype see every dictionary member read from a plain object (fetch's
    // RequestInit, CustomEventInit, ReadableStream's underlying source…): the native code reads
    // them, so the counts are part of what the page can observe.
    const errors = collectPageErrors(log);
    const reads = Object.create(null);
    const keys = ['detail', 'bubbles', 'cancelable', 'composed', 'start', 'pull', 'cancel', 'type', 'size', 'highWaterMark', 'autoAllocateChunkSize',
      'status', 'statusText', 'headers', 'signal', 'method', 'body', 'duplex', 'mode', 'credentials', 'cache', 'redirect', 'integrity', 'keepalive', 'window',
      'conn', 'time', 'records', 'source', 'v', 'stream', 'fatal', 'ignoreBOM', 'preventAbort', 'preventClose', 'preventCancel', 'once', 'passive', 'capture'];
    for (const k of keys) {
      Object.defineProperty(Object.prototype, k, {
        configurable: true,
        get() {
          reads[k] = (reads[k] || 0) + 1;
          return undefined;
        },
      });
    }
    let out;
    try {
      out = await workout(log);
    } finally {
      for (const k of keys) delete Object.prototype[k];
    }
    log[log.length] = { out, reads, errors };
  };

  S['hostile-response-headers'] = async (log) => {
    const errors = collectPageErrors(log);
    const orig = Object.getOwnPropertyDescriptor(Response.prototype, 'headers');
    let calls = 0;
    Object.defineProperty(Response.prototype, 'headers', {
      configurable: true,
      enumerable: true,
      get() {
        calls += 1;
        throw new Error('no headers for you');
      },
    });
    const r = await fetch('/stream?body=sse&chunk=random');
    let h;
    try {
      h = r.headers;
    } catch (e) {
      h = err(e);
    }
    const text = await r.text();
    Object.defineProperty(Response.prototype, 'headers', orig);
    log[log.length] = { h, text, calls, type: r.type, url: r.url, status: r.status, contentType: r.headers.get('content-type'), errors };
    log[log.length] = { workout: await workout(log), errors };
  };

  S['hostile-frozen'] = async (log) => {
    const errors = collectPageErrors(log);
    Object.freeze(window.fetch);
    Object.defineProperty(window, 'fetch', { writable: false, configurable: false });
    Object.freeze(Response.prototype);
    Object.freeze(WebSocket.prototype);
    Object.freeze(WebSocket);
    Object.freeze(EventSource.prototype);
    Object.freeze(EventTarget.prototype);
    Object.freeze(Headers.prototype);
    let assign;
    try {
      window.fetch = () => 'replaced';
      assign = 'no throw';
    } catch (e) {
      assign = err(e);
    }
    log[log.length] = { assign, frozen: Object.isFrozen(fetch), attrs: attrs(window, 'fetch') };
    log[log.length] = { workout: await workout(log), errors };
  };

  S['hostile-throwing-handlers'] = async (log) => {
    // The app's own handlers throw: those errors reach window.onerror exactly as without us, and
    // our listeners (which run before the app's) still see every event.
    const errors = collectPageErrors(log);
    const ws = new WebSocket(wsUrl('/ws/echo'));
    ws.onopen = () => {
      ws.send('x');
      throw new Error('app open handler threw');
    };
    ws.addEventListener('message', () => {
      ws.close();
      throw new TypeError('app message listener threw');
    });
    await new Promise((r) => ws.addEventListener('close', () => setTimeout(r, 30)));
    const es = new EventSource('/es?k=throwing&retry=40');
    es.addEventListener('delta', () => {
      throw new RangeError('app delta listener threw');
    });
    await new Promise((r) =>
      es.addEventListener('done', () => {
        es.close();
        setTimeout(r, 30);
      }),
    );
    // An unhandled rejection from the app's own fetch chain.
    fetch('/hang', { signal: AbortSignal.abort(new Error('unhandled by app')) });
    await sleep(100);
    log[log.length] = { errors };
  };

  // ---------------------------------------------------------------- frames the page creates
  // The hook installs itself into a same-origin child window from the getters that hand the
  // page that window: the getters, and the child's fetch and WebSocket, must look and behave
  // as without it. (toString is left out: another part of the suite covers it.)
  S.frames = async (log) => {
    const getterInfo = (Ctor, key) => {
      const d = Object.getOwnPropertyDescriptor(Ctor.prototype, key);
      return { key, attrs: attrs(Ctor.prototype, key), get: fnInfo(d.get), set: d.set === undefined };
    };
    log[log.length] = {
      getters: [HTMLIFrameElement, HTMLFrameElement, HTMLObjectElement].flatMap((C) => [getterInfo(C, 'contentWindow'), getterInfo(C, 'contentDocument')]),
      open: fnInfo(window.open),
      openAttrs: attrs(window, 'open'),
    };
    for (const k of ['contentWindow', 'contentDocument']) {
      try {
        Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, k).get.call({});
        log[log.length] = { k, illegal: 'no throw' };
      } catch (e) {
        log[log.length] = { k, illegal: err(e) };
      }
    }
    // An object element without data has no window; a detached iframe neither.
    log[log.length] = { objectWindow: document.createElement('object').contentWindow, detached: document.createElement('iframe').contentWindow };

    const blank = document.createElement('iframe');
    const srcdoc = document.createElement('iframe');
    srcdoc.srcdoc = '<p>inner</p>';
    (document.body || document.documentElement).append(blank, srcdoc);
    for (const [label, f] of [['blank', blank], ['srcdoc', srcdoc]]) {
      const w = f.contentWindow;
      log[log.length] = {
        label,
        same: w === f.contentWindow && f.contentDocument.defaultView === w && w.parent === window,
        href: w.location.href,
        fetch: fnInfo(w.fetch),
        fetchAttrs: attrs(w, 'fetch'),
        ws: fnInfo(w.WebSocket),
        wsProto: sorted(Object.getOwnPropertyNames(w.WebSocket.prototype)),
        wsCtor: w.WebSocket.prototype.constructor === w.WebSocket,
        xhrSend: fnInfo(w.XMLHttpRequest.prototype.send),
        es: fnInfo(w.EventSource),
      };
      const res = await w.fetch.call(window, '/stream?body=sse&chunk=random');
      log[log.length] = { label, response: describeResponse(res), realm: res instanceof w.Response ? 'child' : res instanceof Response ? 'top' : 'other', hex: hex(new Uint8Array(await res.arrayBuffer())) };
      try {
        await w.fetch.call(window, 'http://exa mple.com/');
        log[log.length] = { label, badUrl: 'resolved' };
      } catch (e) {
        log[log.length] = { label, badUrl: err(e), childTypeError: e instanceof w.TypeError };
      }
      try {
        await w.fetch();
        log[log.length] = { label, noArgs: 'resolved' };
      } catch (e) {
        log[log.length] = { label, noArgs: err(e), childTypeError: e instanceof w.TypeError };
      }
      const ws = new w.WebSocket(wsUrl('/ws/echo?frame=' + label));
      const events = [];
      await new Promise((resolve) => {
        ws.onopen = () => ws.send('hello from ' + label);
        ws.onmessage = (e) => {
          events[events.length] = { type: e.type, data: String(e.data), isChildEvent: e instanceof w.MessageEvent };
          ws.close(1000, 'done');
        };
        ws.onclose = (e) => {
          events[events.length] = { type: e.type, code: e.code, reason: e.reason, wasClean: e.wasClean };
          resolve();
        };
      });
      log[log.length] = { label, events, instance: ws instanceof w.WebSocket, readyState: ws.readyState };
    }
  };

  // What the page's earliest listeners saw of anything that is not its own: nothing, in both arms.
  S.observer = async (log) => {
    await (await fetch('/stream?body=sse&chunk=random')).text();
    await sleep(100);
    log[log.length] = { seen: window.__seen };
  };

  window.runScenario = async function runScenario(name, params) {
    const log = [];
    const fn = S[name];
    if (!fn) return { fatal: 'unknown scenario ' + name };
    try {
      await fn(log, params);
    } catch (e) {
      log[log.length] = { scenarioThrew: err(e), stack: String(e && e.stack).split('\n')[0] };
    }
    return log;
  };
  window.scenarioNames = Object.keys(S);
})();
