/*
 * harness.js: what lookout's browser tests share, as lookout_test.py is
 * for the integration tests.
 *
 *  - Server: the real binary ($LOOKOUT_BIN) with a temporary data dir,
 *    set up through the CLI (passwords on stdin), serving on a free
 *    loopback port (its "listening on http://..." line tells which).
 *  - launch(): Debian's Chromium (/usr/bin/chromium, or
 *    $LOOKOUT_CHROMIUM), headless, with the flags that keep it off the
 *    network. Playwright gives every launch a fresh, temporary profile.
 *    No browser is ever downloaded.
 *  - newContext(): a phone-sized context whose requests can reach only
 *    the server; the neutral site the quick exit goes to is answered
 *    here, locally.
 *  - Audit: axe-core (WCAG 2.1 A and AA) and a no-sideways-scroll check
 *    on a copy of each page, in a context of its own that bypasses the
 *    CSP (axe is injected as an inline script, which the CSP rightly
 *    forbids); the journeys' own contexts keep the real CSP.
 *  - tr(): the translation of a msgid, read from po/LANG.po.
 *
 * Standard library, playwright-core and axe-core only (scripts/deps.sh
 * runs npm ci here). Run: ctest -L e2e, or by hand
 * LOOKOUT_BIN=build/lookout node --test tests/e2e/ (LOOKOUT_KEEP=1 keeps
 * the data dirs).
 */
'use strict';

const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

let chromium;
try {
	({ chromium } = require('playwright-core'));
} catch (e) {
	throw new Error('playwright-core is not installed in tests/e2e: run ' +
	    'scripts/deps.sh (it runs npm ci there)');
}
const AXE_PATH = require.resolve('axe-core/axe.min.js');

const ADMIN = 'admin';
const ADMIN_PASSWORD = 'correct horse battery';
const START_TIMEOUT = 20000;
const STOP_TIMEOUT = 10000;
const QUICK_EXIT = 'https://www.google.com/search?q=weather';
const NEUTRAL_HOST = 'www.google.com';
/* A cheap phone. */
const PHONE = { width: 360, height: 740 };
const CHROMIUM_FLAGS = [
	'--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update',
	'--disable-sync',
];
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

function binary() {
	const p = process.env.LOOKOUT_BIN;

	if (!p)
		throw new Error('LOOKOUT_BIN is not set (run the tests through ' +
		    'ctest, or export it to the built binary)');
	fs.accessSync(p, fs.constants.X_OK);
	return p;
}

/* Run `lookout ARGS` with stdin; returns stdout; throws unless it exits 0. */
function cli(args, stdin = '') {
	const r = spawnSync(binary(), args, { input: stdin, encoding: 'utf8',
	    timeout: 60000 });

	if (r.status !== 0)
		throw new Error(`lookout ${args.join(' ')} exited ${r.status}` +
		    `${r.error ? ` (${r.error.message})` : ''}\nstdout: ` +
		    `${r.stdout}\nstderr: ${r.stderr}`);
	return r.stdout;
}

class Server {
	/*
	 * regions: [[code, name, parent?]...];
	 * users: [[name, role, password, [regions]]...].
	 */
	constructor({ regions = [], users = [] } = {}) {
		this.regions = regions;
		this.users = users;
		this.proc = null;
		this.base = null;
	}

	async start() {
		this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-e2e-'));
		this.data = path.join(this.tmp, 'data');
		this.logPath = path.join(this.tmp, 'server.stderr');
		cli(['init', '--data', this.data, '--admin', ADMIN],
		    ADMIN_PASSWORD + '\n');
		for (const [code, name, parent] of this.regions) {
			const args = ['region', 'add', '--data', this.data,
			    '--code', code, '--name', name];

			if (parent)
				args.push('--parent', parent);
			cli(args);
		}
		for (const [name, role, password, regions = []] of this.users) {
			const args = ['user', 'add', '--data', this.data, '--role',
			    role, '--name', name];

			for (const r of regions)
				args.push('--region', r);
			cli(args, password + '\n');
		}
		const log = fs.openSync(this.logPath, 'a');
		this.proc = spawn(binary(), ['serve', '--data', this.data,
		    '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', log] });
		fs.closeSync(log);
		this.exited = new Promise((resolve) => {
			this.proc.on('exit', (code, signal) =>
			    resolve({ code, signal }));
		});
		let out = '';
		this.base = await new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(
			    `lookout serve printed no 'listening on http://...' ` +
			    `line within ${START_TIMEOUT} ms\n${this.log()}`)),
			    START_TIMEOUT);

			this.proc.stdout.on('data', (d) => {
				const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/
				    .exec(out += d);

				if (m) {
					clearTimeout(timer);
					resolve(m[1]);
				}
			});
			this.proc.on('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`lookout serve exited ${code} ` +
				    `before listening\n${this.log()}`));
			});
		});
		this.proc.stdout.resume();
		return this;
	}

	log() {
		try {
			return fs.readFileSync(this.logPath, 'utf8');
		} catch (e) {
			return '';
		}
	}

	url(p) {
		return this.base + p;
	}

	/* SIGTERM; it must exit 0 in time. Removes the data dir. */
	async stop() {
		if (this.proc === null)
			return;
		const p = this.proc;
		this.proc = null;
		let timer;
		p.kill('SIGTERM');
		const r = await Promise.race([this.exited, new Promise((res) => {
			timer = setTimeout(() => res(null), STOP_TIMEOUT);
		})]);
		clearTimeout(timer);
		if (r === null) {
			p.kill('SIGKILL');
			await this.exited;
		}
		if (!process.env.LOOKOUT_KEEP)
			fs.rmSync(this.tmp, { recursive: true, force: true });
		assert.ok(r !== null, `lookout serve did not exit within ` +
		    `${STOP_TIMEOUT} ms of SIGTERM`);
		assert.equal(r.code, 0, `lookout serve exited ${r.code} ` +
		    `(${r.signal}) after SIGTERM\n${this.log()}`);
	}
}

async function launch() {
	const exe = process.env.LOOKOUT_CHROMIUM || '/usr/bin/chromium';

	if (!fs.existsSync(exe))
		throw new Error(`no Chromium at ${exe}: run scripts/deps.sh ` +
		    `(it installs Debian's chromium)`);
	return chromium.launch({ executablePath: exe, headless: true,
	    args: CHROMIUM_FLAGS });
}

/*
 * A phone-sized context that reaches only server: the neutral site of
 * the quick exit is answered locally; anything else is refused and
 * recorded in ctx.offsite, which the tests check stays empty.
 */
async function newContext(browser, server, options = {}) {
	const ctx = await browser.newContext({ viewport: PHONE, isMobile: true,
	    hasTouch: true, ...options });
	const own = new URL(server.base).host;

	ctx.offsite = [];
	ctx.setDefaultTimeout(15000);
	await ctx.route(() => true, (route) => {
		const u = new URL(route.request().url());

		if (u.host === own)
			return route.continue();
		if (u.host === NEUTRAL_HOST)
			return route.fulfill({ status: 200,
			    contentType: 'text/html; charset=utf-8',
			    body: '<!doctype html><html lang=en><title>weather' +
			    '</title><h1>Weather</h1></html>' });
		ctx.offsite.push(u.href);
		return route.abort();
	});
	return ctx;
}

/*
 * Every page a journey shows is checked here: for each page, the tests
 * call check() after each navigation, and done() asserts that no page
 * went unchecked.
 */
/*
 * What axe found on each page, shared by every Audit of the process: the
 * same page seen again (in the other mode, say) is not checked twice.
 * The key is the page with what only changes its values blanked.
 */
const audited = new Map();

function auditKey(html) {
	return html
	    .replace(/(name="?csrf"? value=")[^"]*"/g, '$1"')
	    .replace(/\b[A-Z2-9]{4}-[A-Z2-9]{4}\b/g, 'CODE')
	    .replace(/\bH-[A-Z0-9]{4}-[A-Z0-9]{2}\b/g, 'REF');
}

/* Run in the audit page: axe's WCAG 2.1 A and AA violations, and whether
 * the page scrolls sideways, as messages. */
async function runAxe(tags) {
	/* eslint-disable no-undef */
	const r = await axe.run(document, {
		runOnly: { type: 'tag', values: tags },
		resultTypes: ['violations'],
	});
	const root = document.documentElement;
	const wide = root.scrollWidth > root.clientWidth ?
	    [`the page scrolls sideways: ${root.scrollWidth}px wide in a ` +
	    `${root.clientWidth}px screen`] : [];

	return wide.concat(r.violations.map((v) =>
	    `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) =>
	    `    ${n.target.join(' ')}: ` +
	    `${n.failureSummary.replace(/\n/g, ' ')}`).join('\n')));
}

/*
 * Every page a journey shows is checked here: the tests call check()
 * after each navigation, and done() asserts that no page went unchecked.
 * The check runs on a copy of the page (its DOM as it is now) in the
 * audit context, at the server's origin so its stylesheet applies.
 */
class Audit {
	constructor(browser, server) {
		this.browser = browser;
		this.server = server;
	}

	async open() {
		/* Only here is the CSP bypassed: axe arrives as an inline
		 * script. */
		this.ctx = await newContext(this.browser, this.server,
		    { bypassCSP: true });
		await this.ctx.route((u) => u.pathname === '/__audit__',
		    (route) => route.fulfill({ status: 200,
		    contentType: 'text/html; charset=utf-8',
		    body: '<!doctype html><html lang=en><title>audit</title>' +
		    '<main><input id=unlabelled></main></html>' }));
		this.page = await this.ctx.newPage();
		await this.page.goto(this.server.url('/__audit__'));
		await this.page.addScriptTag({ path: AXE_PATH });
		/* axe is there, and finds what it should. */
		const found = await this.page.evaluate(runAxe, WCAG);
		assert.ok(found.some((v) => v.startsWith('label ')),
		    `axe did not see an unlabelled input: ${found}`);
		return this;
	}

	/* Follow page's navigations, so done() can tell none was missed. */
	track(page) {
		page.navs = [];
		page.checked = 0;
		page.on('framenavigated', (f) => {
			if (f === page.mainFrame() && f.url().startsWith(
			    this.server.base))
				page.navs.push(f.url());
		});
		return page;
	}

	async check(page) {
		const url = page.url();
		const html = await page.content();
		const key = auditKey(html);
		let found = audited.get(key);

		page.checked++;
		if (found === undefined) {
			/* document.open() keeps the window, and axe in it. */
			await this.page.setContent(html, { waitUntil: 'load' });
			found = await this.page.evaluate(runAxe, WCAG);
			audited.set(key, found);
		}
		assert.deepEqual(found, [], `${url}: accessibility problems:\n` +
		    found.join('\n'));
	}

	/* Every page that page navigated to was checked. */
	done(page) {
		assert.equal(page.checked, page.navs.length, `pages shown but ` +
		    `not checked: ${page.navs.join(', ')} (${page.checked} ` +
		    `checked)`);
	}

	async close() {
		await this.ctx.close();
	}
}

/* Load path (on the server) in page, then check it. */
async function go(audit, page, p) {
	const r = await page.goto(audit.server.url(p));

	await audit.check(page);
	return r;
}

/* Click what submits a form or follows a link, wait for the next page,
 * then check it. */
async function submit(audit, page, locator) {
	const nav = page.waitForEvent('framenavigated',
	    (f) => f === page.mainFrame());

	await locator.click();
	await nav;
	await page.waitForLoadState('load');
	await audit.check(page);
}

/* The translations of po/LANG.po, msgid -> msgstr. */
const catalogs = new Map();

/* PO strings escape as JSON strings do (\", \\, \n, \t). */
function unquote(s) {
	return JSON.parse(s);
}

function catalog(lang) {
	if (catalogs.has(lang))
		return catalogs.get(lang);
	const map = new Map();
	const text = fs.readFileSync(path.join(ROOT, 'po', `${lang}.po`),
	    'utf8');
	let id = null, str = null, into = null;
	const flush = () => {
		if (id !== null && str)
			map.set(id, str);
		id = str = into = null;
	};

	for (const line of text.split('\n')) {
		let m;

		if ((m = /^msgid (".*")$/.exec(line))) {
			flush();
			id = unquote(m[1]);
			into = 'id';
		} else if ((m = /^msgstr (".*")$/.exec(line))) {
			str = unquote(m[1]);
			into = 'str';
		} else if ((m = /^(".*")$/.exec(line)) && into === 'id') {
			id += unquote(m[1]);
		} else if ((m = /^(".*")$/.exec(line)) && into === 'str') {
			str += unquote(m[1]);
		} else if (line.trim() === '' || line.startsWith('#')) {
			flush();
		}
	}
	flush();
	catalogs.set(lang, map);
	return map;
}

/* msgid in lang; for a language other than English, asserts that there is
 * a translation, so a test of translated text tests something. */
function tr(lang, msgid) {
	if (lang === 'en')
		return msgid;
	const s = catalog(lang).get(msgid);

	assert.ok(s && s !== msgid, `po/${lang}.po has no translation of ` +
	    `'${msgid}'`);
	return s;
}

module.exports = {
	ADMIN, ADMIN_PASSWORD, Audit, QUICK_EXIT, Server, cli, go, launch,
	newContext, submit, tr,
};
