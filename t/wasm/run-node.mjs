// run-node.mjs: runs a WASI preview 1 command module under Node's node:wasi: a
// second runtime the fixtures in t/wasm/ are checked against, and the one t/bench
// compares wasm-exec with.
//
//   node t/wasm/run-node.mjs [--dir HOST[::GUEST]]... [--env NAME=VALUE]... MODULE [ARG]...
//
// --dir preopens the host directory HOST as GUEST (HOST itself when no ::GUEST),
// in order, from fd 3.  --env adds a variable; there are no others (the guest does
// not see Node's environment).  The guest's argv[0] is MODULE as given.  Standard
// input, output and error are Node's own.  Exits with the guest's exit status;
// 134 after a trap, with "run-node: MODULE: trap: MESSAGE" on standard error (the
// status wasmtime gives, 128 + SIGABRT), and 2 when the module does not compile or
// link (bad bytes, an import WASI does not have) or on a usage error.
//
// node:wasi is no sandbox (Node's own documentation says so): use it on fixtures.
// The global process, not an import of node:process: importing it reads every
// property, process.stdout too, which sets Node's standard output non-blocking, and
// the guest's writes to a full pipe would then fail with EAGAIN.  For the same
// reason messages go out with writeSync, never through process.stderr.
import { readFileSync, writeSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// Node 20.20 crashes (SIGSEGV, status 139) at exit after a guest grew its memory to
// between 64 MiB and about 1 GiB, in V8's heap teardown; without concurrent marking
// it does not.  The JavaScript heap is small here, so this costs nothing measurable.
setFlagsFromString('--no-concurrent-marking');

// node:wasi warns that it is experimental, on every run: not in our output.
process.removeAllListeners('warning');
const { WASI } = await import('node:wasi');

function usage() {
	writeSync(2, 'usage: run-node.mjs [--dir HOST[::GUEST]]... ' +
		'[--env NAME=VALUE]... MODULE [ARG]...\n');
	process.exit(2);
}

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
while (argv.length > 0 && argv[0].startsWith('--')) {
	const opt = argv.shift();
	if (opt === '--')
		break;
	const val = argv.shift();
	if (val === undefined)
		usage();
	if (opt === '--dir') {
		const i = val.indexOf('::');
		const host = i < 0 ? val : val.slice(0, i);
		const guest = i < 0 ? val : val.slice(i + 2);
		if (host === '' || guest === '' || guest in preopens)
			usage();
		preopens[guest] = host;
	} else if (opt === '--env') {
		const i = val.indexOf('=');
		if (i <= 0)
			usage();
		env[val.slice(0, i)] = val.slice(i + 1);
	} else {
		usage();
	}
}
if (argv.length === 0)
	usage();
const path = argv[0];

let instance, wasi;
try {
	const bytes = readFileSync(path);
	const module = await WebAssembly.compile(bytes);
	wasi = new WASI({ version: 'preview1', args: argv, env, preopens, returnOnExit: true });
	instance = await WebAssembly.instantiate(module, wasi.getImportObject());
} catch (e) {
	// A trap in the start function is a trap; anything else stops before the guest.
	if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError)
		trap(e);
	writeSync(2, `run-node: ${path}: ${e.message}\n`);
	process.exit(2);
}

function trap(e) {
	writeSync(2, `run-node: ${path}: trap: ${e.message}\n`);
	process.exit(134);
}

let status;
try {
	status = wasi.start(instance);
} catch (e) {
	// A trap (unreachable, out of bounds) or V8's stack overflow (a RangeError).
	if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError)
		trap(e);
	writeSync(2, `run-node: ${path}: ${e.message}\n`);
	process.exit(2);
}
process.exitCode = status;
