/*
 * journeys.test.js: the core journeys, end to end, in Chromium against
 * the real server, once with JavaScript and once without:
 *
 *  1. a member registers with an invite code that outreach made on
 *     /invites, in French, in Chinese and in English;
 *  2. she files a report on /report;
 *  3. outreach publishes an alert from the report's page;
 *  4. she screens the number, typed another way, and sees red;
 *  5. someone without an account asks for help and gets a reference;
 *  6. the quick exit: with JavaScript it leaves by location.replace (the
 *     history does not grow, Back does not return to the page) and
 *     Escape does it too; without, it is a plain link that leaves;
 *  7. the pages these journeys do not pass through, for each role;
 *  8. she chooses her regions and channels on /me/subscriptions.
 *
 * Every page shown is checked with axe-core (WCAG 2.1 A and AA) and must
 * not scroll sideways on a 360px phone. With LOOKOUT_E2E_SHOTS=DIR the
 * report form and the screening result are saved there as PNGs.
 */
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');

const {
	Audit, QUICK_EXIT, Server, go, launch, newContext, submit, tr,
} = require('./harness');

const REGIONS = [['ca', 'Canada'], ['ca-bc', 'British Columbia', 'ca'],
    ['ca-bc-van', 'Vancouver', 'ca-bc'], ['ca-bc-vic', 'Victoria', 'ca-bc']];
const OUTREACH = ['Olu-Outreach', 'outreach', "olu's long password",
    ['ca-bc']];
const LIAISON = ['Lia-Liaison', 'liaison', "lia's long password", []];
const PASSWORD = 'a long enough password';
const LANGS = ['fr', 'zh-Hans', 'en'];
const SHOTS = process.env.LOOKOUT_E2E_SHOTS;

function daysAgo(n) {
	const d = new Date(Date.now() - n * 86400000);

	return d.toISOString().slice(0, 10);
}

async function shot(page, name, fullPage) {
	if (!SHOTS)
		return;
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SHOTS, name), fullPage });
}

/* The h1's text. */
async function h1(page) {
	return (await page.locator('h1').first().textContent()).trim();
}

async function signIn(audit, page, name, password) {
	await go(audit, page, '/login');
	await page.fill('#name', name);
	await page.fill('#password', password);
	await submit(audit, page, page.locator('form[action="/login"] ' +
	    'button[type=submit]'));
	assert.equal(new URL(page.url()).pathname, '/home',
	    `signing in as ${name} did not reach /home`);
}

for (const js of [true, false]) {
	describe(js ? 'with JavaScript' : 'without JavaScript', () => {
		let server, browser, audit, staffCtx, staff, memberCtx, member;
		const contexts = [];
		/* Each mode has its own server, but a number of its own too. */
		const phone = js ? '+1 (604) 555-0142' : '+1 (604) 555-0177';
		const phoneTyped = js ? '604.555.0142' : '1-604-555-0177';
		const narrative = `He grabbed my arm when I asked for the ` +
		    `money (${js ? 'js' : 'no js'}).`;
		const summary = `Violent client, silver Civic; screen first ` +
		    `(${js ? 'js' : 'no js'}).`;
		let reportPath = null;
		let memberName = null;

		async function context() {
			const ctx = await newContext(browser, server,
			    { javaScriptEnabled: js });

			contexts.push(ctx);
			return ctx;
		}

		async function tracked(ctx) {
			return audit.track(await ctx.newPage());
		}

		before(async () => {
			server = await new Server({ regions: REGIONS,
			    users: [OUTREACH, LIAISON] }).start();
			browser = await launch();
			audit = await new Audit(browser, server).open();
			staffCtx = await context();
			staff = await tracked(staffCtx);
			await signIn(audit, staff, OUTREACH[0], OUTREACH[2]);
		});

		after(async () => {
			try {
				for (const ctx of contexts)
					assert.deepEqual(ctx.offsite, [],
					    'a page tried to reach another host');
			} finally {
				if (browser)
					await browser.close();
				if (server)
					await server.stop();
			}
		});

		async function inviteCode() {
			await go(audit, staff, '/invites');
			await submit(audit, staff, staff.locator(
			    'form[action="/invites"] button[type=submit]'));
			const code = (await staff.locator('#invite-code')
			    .textContent()).trim();

			assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
			return code;
		}

		it('1. a member registers with an invite code, in each ' +
		    'language', async () => {
			for (const lang of LANGS) {
				const code = await inviteCode();
				const ctx = await context();
				const page = await tracked(ctx);
				const name = `Bea-${lang}-${js ? 'js' : 'nojs'}`;
				const form = 'form[action="/register"]';

				await go(audit, page, `/register?lang=${lang}`);
				assert.equal(await page.getAttribute('html', 'lang'),
				    lang);
				assert.equal(await h1(page), tr(lang,
				    'Create your account'));
				assert.equal((await page.locator('#quick-exit')
				    .textContent()).trim(), tr(lang, 'Quick exit'));
				assert.equal((await page.locator('label[for=code]')
				    .textContent()).trim(), tr(lang, 'Invite code'));

				/* First the two passwords differ: the form comes
				 * back, in her language, with her name kept. */
				await page.fill('#code', code);
				await page.fill('#name', name);
				await page.fill('#password', PASSWORD);
				await page.fill('#password2', PASSWORD + '!');
				await submit(audit, page, page.locator(
				    `${form} button[type=submit]`));
				assert.equal(new URL(page.url()).pathname,
				    '/register');
				assert.equal(await page.getAttribute('html', 'lang'),
				    lang);
				assert.equal((await page.locator('#password2-error')
				    .textContent()).trim(), tr(lang,
				    'The two passwords are not the same.'));
				assert.equal(await page.inputValue('#name'), name);
				assert.equal(await page.inputValue('#password'), '');

				await page.fill('#code', code);
				await page.fill('#password', PASSWORD);
				await page.fill('#password2', PASSWORD);
				await submit(audit, page, page.locator(
				    `${form} button[type=submit]`));
				assert.equal(new URL(page.url()).pathname, '/home');
				assert.equal(await page.getAttribute('html', 'lang'),
				    lang);
				assert.equal(await h1(page), tr(lang, 'Home'));
				assert.ok((await page.locator('main').textContent())
				    .includes(tr(lang, 'Report a bad date')));
				audit.done(page);
				memberCtx = ctx;
				member = page;
				memberName = name;
			}
			assert.ok(memberName.endsWith(js ? '-js' : '-nojs'));
		});

		it('2. she files a report', async () => {
			assert.ok(member, 'no member: journey 1 failed');
			await go(audit, member, '/report');
			assert.equal(await h1(member), 'Report a bad date');
			await shot(member, `report-form-${js ? 'js' : 'nojs'}.png`,
			    true);
			await member.check('#type-violence');
			await member.check('#type-threats');
			await member.fill('#occurred_on', daysAgo(2));
			await member.fill('#time_window', '20:00-23:00');
			await member.selectOption('#region', 'ca-bc-van');
			await member.fill('#marks', 'scorpion tattoo, left hand');
			await member.fill('#plate', 'AB?12?');
			await member.selectOption('#ik1', 'phone');
			await member.fill('#iv1', phone);
			await member.fill('#narrative', narrative);
			await member.check('#consent_alert');
			assert.ok(await member.isChecked('#police-none'),
			    'police sharing is not "none" by default');
			/* The hold box's hint is its description, right under
			 * it. */
			assert.equal(await member.getAttribute('#hold',
			    'aria-describedby'), 'hold-hint');
			{
				const boxBox = await member.locator('#hold')
				    .boundingBox();
				const hintBox = await member.locator('#hold-hint')
				    .boundingBox();
				const gap = hintBox.y - (boxBox.y + boxBox.height);

				assert.ok(gap >= 0 && gap < 40, `the hold hint is ` +
				    `${gap}px from its box`);
			}
			await submit(audit, member, member.locator(
			    'form[action="/report"] button[type=submit]'));
			const p = new URL(member.url()).pathname;

			assert.match(p, /^\/reports\/\d+$/,
			    `the report went to ${p}`);
			assert.ok((await member.locator('main').textContent())
			    .includes(narrative), 'the report page does not show ' +
			    'the narrative');
			reportPath = p;
			audit.done(member);
		});

		it('3. outreach publishes an alert from the report page',
		    async () => {
			assert.ok(reportPath, 'no report: journey 2 failed');
			await go(audit, staff, '/queue');
			await submit(audit, staff, staff.locator(
			    `main a[href="${reportPath}"]`));
			assert.equal(new URL(staff.url()).pathname, reportPath);
			const form = `form[action="${reportPath}/alert"]`;

			assert.equal(await staff.inputValue(`${form} #iv1`),
			    phone, 'the report\'s phone is not offered');
			assert.ok(await staff.isChecked('#reg-ca-bc-van'));
			await staff.fill('#summary', summary);
			await staff.selectOption('#severity', 'high');
			await submit(audit, staff, staff.locator(
			    `${form} button[type=submit]`));
			assert.equal(new URL(staff.url()).pathname, '/alerts');
			assert.ok((await staff.locator('main').textContent())
			    .includes(summary), 'the alert is not listed');
			await go(audit, staff, '/queue');
			assert.equal(await staff.locator(
			    `main a[href="${reportPath}"]`).count(), 0,
			    'the report is still queued');
			audit.done(staff);
		});

		it('4. a member screens the number and sees red', async () => {
			assert.ok(member, 'no member: journey 1 failed');
			await go(audit, member, '/screen');
			await member.selectOption('#kind', 'phone');
			await member.fill('#value', phoneTyped);
			await submit(audit, member, member.locator(
			    'form[action="/screen"] button[type=submit]'));
			const result = member.locator('#result');

			assert.match(await result.getAttribute('class'),
			    /\bresult-red\b/);
			assert.ok(await result.isVisible());
			assert.equal((await result.locator('h2').textContent())
			    .trim(), 'Red: reported for violence or threats');
			assert.ok((await result.textContent()).includes(summary),
			    'the alert is not in the result');
			/* The answer is the first thing seen: in view without
			 * scrolling on the phone. */
			const box = await result.boundingBox();

			assert.ok(box && box.y < 740, `the result starts at ` +
			    `${box && box.y}px, below the phone's screen`);
			/* What she typed stays in her form only. */
			assert.equal(await member.inputValue('#value'),
			    phoneTyped);
			/* Not in the address either (the port may hold any
			 * digits, so only what follows it counts). */
			const u = new URL(member.url());

			assert.ok(!(u.pathname + u.search + u.hash)
			    .includes('555'), `the number is in ${u}`);
			await shot(member, `screen-red-${js ? 'js' : 'nojs'}.png`,
			    false);
			audit.done(member);
		});

		it('5. someone without an account asks for help', async () => {
			const ctx = await context();
			const page = await tracked(ctx);

			await go(audit, page, '/');
			await submit(audit, page, page.locator(
			    'main a[href="/help"]'));
			assert.equal(new URL(page.url()).pathname, '/help');
			await page.check('#method-sms');
			await page.fill('#contact', '+1 604 555 0199');
			await page.fill('#safe_times', 'after 2pm');
			await page.fill('#code_word', 'tangerine');
			await page.check('#need-safety_planning');
			await submit(audit, page, page.locator(
			    'form[action="/help"] button[type=submit]'));
			const ref = (await page.locator('#help-reference')
			    .textContent()).trim();

			assert.match(ref, /^H-[A-Z0-9]{4}-[A-Z0-9]{2}$/);
			assert.ok(!page.url().includes(ref),
			    'the reference is in the URL');
			/* And it shows her request's status. */
			await go(audit, page, '/help/status');
			await page.fill('#reference', ref);
			await submit(audit, page, page.locator(
			    'form[action="/help/status"] button[type=submit]'));
			assert.ok(await page.locator('#help-status').isVisible());
			audit.done(page);
		});

		it('6. the quick exit', async () => {
			const ctx = await context();
			const page = await tracked(ctx);

			await go(audit, page, '/help');
			await go(audit, page, '/stats');
			const exit = page.locator('#quick-exit');

			/* First in the page: the first Tab reaches it. */
			assert.equal(await exit.getAttribute('href'), QUICK_EXIT);
			await page.keyboard.press('Tab');
			assert.equal(await page.locator(':focus')
			    .getAttribute('id'), 'quick-exit');
			assert.ok(await exit.isVisible());
			const box = await exit.boundingBox();

			assert.ok(box.y < 100 && box.height >= 44,
			    `the quick exit is at ${JSON.stringify(box)}`);

			if (!js) {
				/* A plain link, and it leaves. */
				await exit.click();
				await page.waitForURL(QUICK_EXIT);
				audit.done(page);
				return;
			}
			const before = await page.evaluate(() => history.length);

			await exit.click();
			await page.waitForURL(QUICK_EXIT);
			assert.equal(await page.evaluate(() => history.length),
			    before, 'the quick exit left this page in the ' +
			    'history');
			/* Back goes to the page before, never to the one she
			 * left. */
			await page.goBack();
			assert.equal(new URL(page.url()).pathname, '/help');
			await audit.check(page);

			/* Escape, from anywhere: here from a text field. */
			await page.fill('#contact', 'typing');
			await page.press('#contact', 'Escape');
			await page.waitForURL(QUICK_EXIT);
			audit.done(page);
		});

		it('7. every other page passes the same checks', async () => {
			assert.ok(member, 'no member: journey 1 failed');
			for (const p of ['/alerts', '/reports/mine', '/me/regions',
			    '/me/delete', '/password', '/home'])
				await go(audit, member, p);
			audit.done(member);

			for (const p of ['/report', '/alerts?region=ca-bc-vic',
			    '/cases'])
				await go(audit, staff, p);
			await submit(audit, staff, staff.locator(
			    'main a[href^="/cases/"]').first());
			assert.match(new URL(staff.url()).pathname,
			    /^\/cases\/\d+$/);
			audit.done(staff);

			const ctx = await context();
			const page = await tracked(ctx);

			for (const p of ['/transparency', '/register',
			    '/no/such/page', '/unsubscribe?token=' +
			    'A'.repeat(32)])
				await go(audit, page, p);
			await signIn(audit, page, LIAISON[0], LIAISON[2]);
			await go(audit, page, '/police');
			audit.done(page);
		});

		it('8. she chooses her regions and how alerts reach her',
		    async () => {
			assert.ok(member, 'no member: journey 1 failed');
			const form = 'form[action="/me/subscriptions"]';
			const email = `bea.${js ? 'js' : 'nojs'}@example.org`;

			await go(audit, member, '/home');
			await submit(audit, member, member.locator(
			    'main a[href="/me/subscriptions"]'));
			assert.equal(new URL(member.url()).pathname,
			    '/me/subscriptions');
			/* Email ticked, its field left empty: the error is at
			 * the field, and the rest of what she chose stays. */
			await member.check('#reg-ca-bc-vic');
			await member.check('#ch-email');
			await member.check('#ch-sms');
			await member.fill('#sms', '604 555 0123');
			await submit(audit, member, member.locator(
			    `${form} button[type=submit]`));
			assert.equal((await member.locator('#email-error')
			    .textContent()).trim(), 'Write your email address, ' +
			    'or untick "By email".');
			assert.equal(await member.getAttribute('#email',
			    'aria-invalid'), 'true');
			assert.ok(await member.isChecked('#reg-ca-bc-vic'));
			assert.ok(await member.isChecked('#ch-sms'));
			assert.equal(await member.inputValue('#sms'),
			    '604 555 0123');

			await member.fill('#email', email);
			await member.check('#ch-feed');
			await member.selectOption('#lang', 'fr');
			await submit(audit, member, member.locator(
			    `${form} button[type=submit]`));
			assert.ok(await member.locator('#saved').isVisible());
			assert.match(await member.locator('#feed-url')
			    .textContent(), /\/feed\/[^/]+$/);
			assert.equal(await member.inputValue('#email'), email);
			assert.equal(await member.inputValue('#sms'),
			    '+16045550123');
			assert.equal(await member.inputValue('#lang'), 'fr');
			assert.ok(await member.isChecked('#ch-feed'));
			assert.ok(!member.url().includes('example'),
			    'her address is in the URL');
			/* The Alerts page makes a new feed address too. */
			await go(audit, member, '/alerts');
			await submit(audit, member, member.locator(
			    'form[action="/feed/new"] button[type=submit]'));
			assert.match(await member.locator('#feed-url')
			    .textContent(), /\/feed\/[^/]+$/);
			audit.done(member);
		});
	});
}
