// run-metered.js: run a module metered by ecap_wasm_meter() in Node's engine (V8),
// through the JS WebAssembly API alone: an engine that shares no code with wabt.
//
//   node run-metered.js FILE FUEL-EXPORT [CALL ...]
//
// Instantiates FILE with no imports (running its start function, if any), then
// makes each CALL in turn on the same instance: NAME or NAME:ARG,ARG,... with
// decimal i32 arguments, printing one line "NAME(ARGS) = RESULT".  Then prints
// "fuel N", the fuel global (exported as FUEL-EXPORT) at the end; FUEL-EXPORT "-"
// for a module that is not metered, and no such line.
// Exit 0; or, when the start function or a call traps, "trap: MESSAGE" (V8's
// RuntimeError message, "unreachable" for an unreachable) and "fuel N", exit 1.
// Anything else (a missing export, an unreadable file): a message, exit 2.
'use strict';
const fs = require('fs');

function main(argv) {
	if (argv.length < 2) {
		console.error('usage: node run-metered.js FILE FUEL-EXPORT [CALL ...]');
		return 2;
	}
	const module = new WebAssembly.Module(fs.readFileSync(argv[0]));
	let instance = null;
	let fuel = null;

	try {
		instance = new WebAssembly.Instance(module, {});
		fuel = argv[1] === '-' ? null : instance.exports[argv[1]];
		if (argv[1] !== '-' && !(fuel instanceof WebAssembly.Global))
			throw new Error(`no exported global ${argv[1]}`);
		for (const call of argv.slice(2)) {
			const [name, list] = call.split(':');
			const args = list === undefined || list === '' ? [] : list.split(',').map(Number);
			const f = instance.exports[name];

			if (typeof f !== 'function')
				throw new Error(`no exported function ${name}`);
			console.log(`${name}(${args.join(',')}) = ${f(...args)}`);
		}
	} catch (e) {
		if (!(e instanceof WebAssembly.RuntimeError))
			throw e;
		console.log(`trap: ${e.message}`);
		// A trap in the start function leaves no instance: the fuel is then unknown.
		if (argv[1] !== '-')
			console.log(`fuel ${fuel === null ? '?' : fuel.value}`);
		return 1;
	}
	if (fuel !== null)
		console.log(`fuel ${fuel.value}`);
	return 0;
}

try {
	process.exitCode = main(process.argv.slice(2));
} catch (e) {
	console.error(`run-metered.js: ${e.message}`);
	process.exitCode = 2;
}
