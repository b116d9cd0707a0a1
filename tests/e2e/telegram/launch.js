// The Bot API emulator for the Telegram end-to-end tests: npm `telegram-test-api` 4.2.1, unmodified,
// mounted behind an express front of ours that fixes what aiogram 3 cannot live with and adds
// test-control endpoints (see ../../../../shared/notes/e2e-testing.md §1 for why each shim exists).
// The shims touch library internals (getUpdates, addBotMessage, getCommonFields, storage,
// webhooks, formatUpdate, the Added* events): the version is pinned exactly in package.json.
//
// getUpdates honours `offset` as Telegram does (see below).
// Test face, beside the library's own client face (/sendMessage, /sendCommand, /getUpdates…):
//   POST /_test/rawUpdate {token, update}       queue any update JSON verbatim (its update_id kept)
//   POST /_test/rawUpdates {token, updates}     queue several at once, so one getUpdates serves them
//   POST /_test/calls {token}                   every Bot API call the bot made: [{method, params}]
//   POST /_test/getMe {token, ...fields}        override getMe fields (privacy mode) for one bot
//   POST /_test/block|unblock {token, chatId}   sendMessage to chatId answers 403 / works again
//   POST /_test/retryAfter {token, chatId, seconds, times}  the next `times` sends answer 429
const express = require('express');
const http = require('http');
const TelegramServer = require('telegram-test-api');

process.on('unhandledRejection', (e) => console.error(`unhandledRejection: ${e}`));

const emu = new TelegramServer({ host: '127.0.0.1', storeTimeout: 600 });
const front = express();
front.use(express.json());
front.use(express.urlencoded({ extended: true }));
const params = (req) => ({ ...req.query, ...req.body });
const botId = (token) => Number(String(token).split(':')[0]);
const key = (token, chatId) => `${token}|${Number(chatId)}`;
const blocked = new Set();
const throttled = new Map(); // key -> {seconds, times}
const calls = new Map(); // token -> [{method, params}]
const meOverrides = new Map(); // token -> fields
const BOT = { first_name: 'Compliance Bot', username: 'compliance_test_bot' };

// Record every Bot API call, so tests can assert on everything the bot sent, not only messages.
front.all('/bot:token/:method', (req, _res, next) => {
  const list = calls.get(req.params.token) || [];
  list.push({ method: req.params.method, params: params(req) });
  calls.set(req.params.token, list);
  next();
});

// getMe: the library's answer lacks is_bot, which aiogram requires.
front.all('/bot:token/getMe', (req, res) => res.json({ ok: true, result: {
  id: botId(req.params.token), is_bot: true, ...BOT, can_join_groups: true,
  can_read_all_group_messages: true, supports_inline_queries: false,
  can_connect_to_business: true, ...(meOverrides.get(req.params.token) || {}) } }));

// getUpdates: a real long poll (the library answers at once, so aiogram would spin), with
// Telegram's `offset`: an update stays queued, and is served again, until a later call's offset
// passes its update_id (the library marks an update read as soon as it serves it, which hides a
// client that fails a batch and asks for it again). An update not yet served is always served,
// whatever its id, so a re-delivered raw update (same update_id) still reaches the bot.
const idOf = (u) => TelegramServer.formatUpdate(u).update_id;
const queued = (token, offset) => {
  if (offset) {
    emu.storage.userMessages = emu.storage.userMessages.filter(
      (u) => u.botToken !== token || !u.served || idOf(u) >= offset);
  }
  return emu.storage.userMessages.filter((u) => u.botToken === token).map((u) => {
    u.served = true; u.isRead = true;
    return TelegramServer.formatUpdate(u);
  });
};
const EVENTS = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];
front.all('/bot:token/getUpdates', (req, res) => {
  const token = req.params.token;
  const timeout = Math.min(Number(params(req).timeout || 0), 50) * 1000;
  const offset = Number(params(req).offset || 0);
  const got = queued(token, offset);
  if (got.length || !timeout) return res.json({ ok: true, result: got });
  let timer = null;
  const cleanup = () => { clearTimeout(timer); EVENTS.forEach((e) => emu.off(e, onEvent)); };
  const finish = () => {
    cleanup();
    if (!res.writableEnded) res.json({ ok: true, result: queued(token, offset) });
  };
  function onEvent() { setImmediate(finish); }
  EVENTS.forEach((e) => emu.on(e, onEvent));
  timer = setTimeout(finish, timeout);
  res.on('close', cleanup); // not req.on('close'): on Node >= 16 it fires once the body is read
});

// sendMessage: realistic result, 403 for blocked chats, 429 for throttled ones.
front.all('/bot:token/sendMessage', (req, res) => {
  const token = req.params.token;
  const body = params(req);
  const chatId = Number(body.chat_id);
  if (blocked.has(key(token, chatId))) {
    return res.status(403).json({ ok: false, error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user" });
  }
  const throttle = throttled.get(key(token, chatId));
  if (throttle && throttle.times > 0) {
    throttle.times -= 1;
    return res.status(429).json({ ok: false, error_code: 429,
      description: `Too Many Requests: retry after ${throttle.seconds}`,
      parameters: { retry_after: throttle.seconds } });
  }
  const r = emu.addBotMessage(body, token);
  r.date = Math.floor(r.date / 1000);
  r.from = { id: botId(token), is_bot: true, ...BOT };
  r.chat = chatId > 0 ? { id: chatId, type: 'private', first_name: 'User' }
    : { id: chatId, type: 'supergroup', title: 'Group' };
  delete r.botToken; delete r.chat_id; delete r.business_connection_id;
  return res.json({ ok: true, result: r });
});

front.all('/bot:token/setWebhook', (req, res) => {
  emu.setWebhook(params(req), req.params.token); // keeps url and secret_token
  res.json({ ok: true, result: true });
});

for (const m of ['setMyCommands', 'deleteMyCommands', 'setMyDescription', 'setChatMenuButton',
  'answerCallbackQuery']) {
  front.all(`/bot:token/${m}`, (_req, res) => res.json({ ok: true, result: true }));
}

front.post('/_test/calls', (req, res) => res.json({ ok: true, result: calls.get(req.body.token) || [] }));
front.post('/_test/getMe', (req, res) => {
  const { token, ...fields } = req.body;
  meOverrides.set(token, fields);
  res.json({ ok: true });
});
front.post('/_test/block', (req, res) => { blocked.add(key(req.body.token, req.body.chatId)); res.json({ ok: true }); });
front.post('/_test/unblock', (req, res) => { blocked.delete(key(req.body.token, req.body.chatId)); res.json({ ok: true }); });
front.post('/_test/retryAfter', (req, res) => {
  const { token, chatId, seconds, times } = req.body;
  throttled.set(key(token, chatId), { seconds: Number(seconds), times: Number(times) });
  res.json({ ok: true });
});
front.post('/_test/rawUpdates', async (req, res) => { // several, served in one batch
  const { token, updates } = req.body;
  for (const update of updates) {
    await emu.addUserUpdate({ ...emu.getCommonFields(token), raw: update });
  }
  emu.emit('AddedUserMessage');
  res.json({ ok: true });
});
front.post('/_test/rawUpdate', async (req, res) => {
  const { token, update } = req.body;
  await emu.addUserUpdate({ ...emu.getCommonFields(token), raw: update });
  emu.emit('AddedUserMessage');
  res.json({ ok: true });
});

// Raw updates keep their own update_id (to test re-delivery); callback queries gain the
// chat_instance aiogram requires.
const formatUpdate = TelegramServer.formatUpdate;
TelegramServer.formatUpdate = (u) => {
  if (u.raw) return { update_id: u.updateId, ...u.raw };
  const out = formatUpdate(u);
  if (out.callback_query && !out.callback_query.chat_instance) {
    const chat = out.callback_query.message && out.callback_query.message.chat;
    out.callback_query.chat_instance = String(chat ? chat.id : u.callbackId);
  }
  return out;
};

// Webhooks: send the secret token, and survive a non-2xx answer (the library's un-awaited axios
// rejection would kill node). Like Telegram, an update the bot could not be reached for is sent
// again until it is taken, and the updates after it wait behind it, in order (for two minutes).
const unreached = {}; // bot token -> updates waiting for the bot to listen again
const RETRY_MS = 250;
const GIVE_UP_MS = 120000;

async function post(webhook, update) {
  const headers = { 'content-type': 'application/json' };
  if (webhook.secret_token) headers['X-Telegram-Bot-Api-Secret-Token'] = webhook.secret_token;
  const body = JSON.stringify(TelegramServer.formatUpdate(update));
  try {
    const r = await fetch(webhook.url, { method: 'POST', headers, body });
    if (r.status > 299) console.error(`webhook ${webhook.url} answered ${r.status}`);
    return true;
  } catch (e) {
    console.error(`webhook ${webhook.url} failed: ${e}`);
    return false;
  }
}

async function redeliver(emulator, token) {
  const queue = unreached[token];
  const started = Date.now();
  while (queue.length && Date.now() - started < GIVE_UP_MS) {
    await new Promise((done) => setTimeout(done, RETRY_MS));
    const webhook = emulator.webhooks[token];
    while (queue.length && webhook && (await post(webhook, queue[0]))) queue.shift();
  }
  delete unreached[token];
}

emu.addUserUpdate = async function addUserUpdate(update) {
  const webhook = this.webhooks[update.botToken];
  if (!webhook) { this.storage.userMessages.push(update); this.updateId++; return; }
  update.updateId = this.updateId; // fixed now: a retry sends the same update_id
  this.updateId++;
  const waiting = unreached[update.botToken];
  if (waiting) { waiting.push(update); return; }
  if (!(await post(webhook, update))) {
    unreached[update.botToken] = [update];
    redeliver(this, update.botToken);
  }
};

front.use(emu.webServer); // everything else: the unmodified library
const server = http.createServer(front);
server.listen(Number(process.env.TG_PORT || 0), '127.0.0.1', () => {
  const { port } = server.address();
  emu.config.port = port;
  emu.config.apiURL = `http://127.0.0.1:${port}`;
  emu.started = true;
  console.log(`READY ${emu.config.apiURL}`);
});
const stop = () => { server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
