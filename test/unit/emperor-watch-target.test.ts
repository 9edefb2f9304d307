import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globToRegExp, patternDepth, splitGlob } from '../../src/emperor/glob-pattern.js';
import { commonRoot, identityOf, isVassalName, isWatchedPath, planTarget } from '../../src/emperor/watch-target.js';

test('globs: * and ? stay within a segment, ** spans directories', () => {
  const star = globToRegExp('*/uw.ini');
  assert.ok(star.test('a/uw.ini'));
  assert.ok(!star.test('a/b/uw.ini'));
  assert.ok(!star.test('uw.ini'));
  const deep = globToRegExp('**/*.yaml');
  assert.ok(deep.test('x.yaml'));
  assert.ok(deep.test('a/b/c/x.yaml'));
  assert.ok(!deep.test('a/x.yml'));
  assert.ok(globToRegExp('app-?.ini').test('app-1.ini'));
  assert.ok(!globToRegExp('app-?.ini').test('app-10.ini'));
});

test('globs: classes, negated classes, braces and literal dots', () => {
  assert.ok(globToRegExp('app-[0-9].ini').test('app-7.ini'));
  assert.ok(!globToRegExp('app-[!0-9].ini').test('app-7.ini'));
  assert.ok(globToRegExp('*.{ini,json}').test('a.json'));
  assert.ok(!globToRegExp('*.{ini,json}').test('a.yaml'));
  assert.ok(!globToRegExp('a.ini').test('abini'));
});

test('a glob splits into its static base and the pattern below it', () => {
  assert.deepEqual(splitGlob('/srv/*/uw.ini'), { base: '/srv', pattern: '*/uw.ini' });
  assert.deepEqual(splitGlob('/etc/uw/*.ini'), { base: '/etc/uw', pattern: '*.ini' });
  assert.deepEqual(splitGlob('/*.ini'), { base: '/', pattern: '*.ini' });
  assert.equal(patternDepth('*/uw.ini'), 1);
  assert.equal(patternDepth('**/uw.ini'), undefined);
});

test('a directory target takes vassal files directly in it, not hidden ones, not other extensions', () => {
  const target = planTarget('/etc/uw', 'dir');
  assert.equal(target.root, '/etc/uw');
  assert.equal(target.depth, 0);
  for (const name of ['app.ini', 'app.yaml', 'app.yml', 'app.json']) assert.ok(target.matches(name), name);
  for (const name of ['.app.ini.swp', 'app.ini~', 'README', 'sub/app.ini', '.hidden.ini', 'sedAbC123']) assert.ok(!target.matches(name), name);
});

test('a file target watches its directory for that one name', () => {
  const target = planTarget('/etc/uw/app.ini', 'file');
  assert.equal(target.root, '/etc/uw');
  assert.ok(target.matches('app.ini'));
  assert.ok(!target.matches('other.ini'));
});

test('a glob target skips hidden segments and unknown extensions', () => {
  const target = planTarget('/srv/*/*', 'dir');
  assert.ok(target.matches('a/uw.ini'));
  assert.ok(!target.matches('.git/uw.ini'));
  assert.ok(!target.matches('a/notes.txt'));
  assert.ok(isVassalName('a/b.json'));
});

test('identity is relative to the common root, so a/app.ini and b/app.ini never collide', () => {
  assert.equal(commonRoot(['/etc/uw/a', '/etc/uw/b']), '/etc/uw');
  assert.equal(commonRoot(['/etc/uw']), '/etc/uw');
  assert.equal(commonRoot(['/a', '/b']), '/');
  assert.equal(identityOf('/etc/uw', '/etc/uw/a/app.ini'), 'a/app.ini');
  assert.equal(identityOf('/etc/uw', '/etc/uw/b/app.ini'), 'b/app.ini');
});

test('isWatchedPath asks every target', () => {
  const targets = [planTarget('/etc/uw/a', 'dir'), planTarget('/srv/*/uw.ini', 'dir')];
  assert.ok(isWatchedPath(targets, '/etc/uw/a/app.ini'));
  assert.ok(isWatchedPath(targets, '/srv/blog/uw.ini'));
  assert.ok(!isWatchedPath(targets, '/srv/blog/other.ini'));
  assert.ok(!isWatchedPath(targets, '/etc/uw/b/app.ini'));
  assert.ok(!isWatchedPath(targets, '/etc/uw/a'));
});
