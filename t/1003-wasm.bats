#!/usr/bin/env bats
# lib/wasm.h: WebAssembly modules parsed and validated with wabt (Core Spec 1.0/2.0 binary
# format), their imports, exports and memory limits reported, through t/helper/test-wasm.
# The fixtures are t/data/wasm/*.wat, built by make check with wat2wasm; wasm-objdump and
# wasm-validate (wabt's own tools) are the oracles.

setup() {
	load lib/common
	WASM="$DATA/wasm"
	test_wasm="$T_ROOT/t/helper/test-wasm"
}

# objdump_summary FILE: what wasm-objdump -x says about FILE, in test-wasm's words.
objdump_summary() {
	wasm-objdump -x "$1" | awk '
		/^[A-Z][A-Za-z]*(\[[0-9]+\])?:$/ { sec = $1; sub(/[\[:].*/, "", sec) }
		/^Function\[/ { funcs = $1; gsub(/[^0-9]/, "", funcs) }
		sec == "Import" && / - / {
			kind = $2; sub(/\[.*/, "", kind)
			where = $NF; dot = index(where, ".")
			imports = imports "import " substr(where, 1, dot - 1) " " \
			    substr(where, dot + 1) " " kind "\n"
			if (kind == "memory") memory = "imported " limits()
		}
		sec == "Export" && / - / {
			kind = $2; sub(/\[.*/, "", kind)
			name = $NF; gsub(/"/, "", name)
			exports = exports "export " name " " kind "\n"
		}
		sec == "Memory" && / - / { memory = limits() }
		sec == "Start" && / - / { start = $NF }
		function limits(   s, k) {
			for (k = 1; k <= NF; k++) {
				if ($k ~ /^initial=/) s = "min " substr($k, 9)
				if ($k ~ /^max=/) s = s " max " substr($k, 5)
			}
			return s
		}
		END {
			printf "module\n%s%sfuncs %d\n", imports, exports, funcs
			print "memory " (memory == "" ? "none" : memory)
			if (start != "") print "start " start
		}'
}

@test "hello: WASI imports, _start and memory exported, one page" {
	run -0 "$test_wasm" "$WASM/hello.wasm"
	assert_output "module
import wasi_snapshot_preview1 fd_write func
import wasi_snapshot_preview1 proc_exit func
export memory memory
export _start func
funcs 1
memory min 1"
}

@test "noimports: nothing imported, no memory" {
	run -0 "$test_wasm" "$WASM/noimports.wasm"
	assert_output "module
export add func
export answer global
funcs 1
memory none"
}

@test "memmax: memory limits in pages, every export kind, a start function" {
	run -0 "$test_wasm" "$WASM/memmax.wasm"
	assert_output "module
import env log func
import env counter global
export run func
export mem memory
export tab table
export g global
funcs 2
memory min 2 max 16
start 1"
}

@test "impmem: an imported memory and its limits" {
	run -0 "$test_wasm" "$WASM/impmem.wasm"
	assert_output "module
import env memory memory
funcs 1
memory imported min 1 max 256"
}

@test "every valid fixture: the same imports, exports and limits as wasm-objdump -x" {
	for name in hello noimports memmax impmem; do
		run -0 wasm-validate "$WASM/$name.wasm"
		run -0 "$test_wasm" "$WASM/$name.wasm"
		assert_output "$(objdump_summary "$WASM/$name.wasm")"
	done
}

@test "a module that parses but does not validate: wabt's first error and its offset" {
	run -1 "$test_wasm" "$WASM/invalid.wasm"
	assert_output "module
test-wasm: $WASM/invalid.wasm: offset 38: type mismatch in i32.add, expected [i32, i32] but got [i32, i64]"
	# wasm-validate says the same, at the same offset (38 = 0x26)
	run -1 wasm-validate "$WASM/invalid.wasm"
	assert_output "$WASM/invalid.wasm:0000026: error: type mismatch in i32.add, expected [i32, i32] but got [i32, i64]"
}

@test "garbage and an empty file: not a module, exit 1" {
	prng 1000 > garbage
	run -1 "$test_wasm" garbage
	assert_output 'test-wasm: garbage: offset 0: not a WebAssembly module (no \0asm magic)'
	: > empty
	run -1 "$test_wasm" empty
	assert_output 'test-wasm: empty: offset 0: not a WebAssembly module (no \0asm magic)'
	run -1 "$test_wasm" < /dev/null
	assert_output 'test-wasm: stdin: offset 0: not a WebAssembly module (no \0asm magic)'
}

@test "another binary format version (a component, a pre-1.0 module): refused" {
	printf '\0asm\r\0\1\0' > component
	run -1 "$test_wasm" component
	assert_output "test-wasm: component: offset 4: unsupported binary format version 0x0001000d (expected 1; a component or a pre-1.0 module?)"
	printf '\0asm\2\0\0\0' > v2
	run -1 "$test_wasm" v2
	assert_output --partial "v2: offset 4: unsupported binary format version 0x00000002"
	printf '\0asm\1\0' > short
	run -1 "$test_wasm" short
	assert_output "test-wasm: short: offset 4: unable to read uint32_t: version"
}

@test "cut short in the last section: refused at that section's start (wasm-objdump -h)" {
	size=$(file_size "$WASM/hello.wasm")
	head -c $((size - 1)) "$WASM/hello.wasm" > cut
	data=$(wasm-objdump -h "$WASM/hello.wasm" | sed -n 's/^ *Data start=\(0x[0-9a-f]*\) .*/\1/p')
	run -1 "$test_wasm" cut
	assert_output "module
test-wasm: cut: offset $((data)): invalid section size: extends past end"
}

@test "hello.wasm cut at every length: never a crash, the same verdict as wasm-validate" {
	size=$(file_size "$WASM/hello.wasm")
	for ((len = 0; len < size; len++)); do
		head -c "$len" "$WASM/hello.wasm" > cut
		run wasm-validate cut
		want=$status
		run "$test_wasm" cut
		[[ $status == "$want" ]] || fail "cut at $len: status $status, wasm-validate $want: $output"
		if ((status == 1)); then
			[[ ${lines[-1]} == "test-wasm: cut: "* ]] || fail "cut at $len: $output"
		fi
	done
}

@test "every byte of hello.wasm and memmax.wasm flipped: the same verdict as wasm-validate" {
	for name in hello memmax; do
		size=$(file_size "$WASM/$name.wasm")
		for ((at = 0; at < size; at++)); do
			cp "$WASM/$name.wasm" flipped
			byte=$(od -An -tu1 -j "$at" -N1 flipped)
			printf "\\x$(printf %02x $((byte ^ 0xff)))" |
				dd of=flipped bs=1 seek="$at" conv=notrunc status=none
			run wasm-validate flipped
			want=$status
			run "$test_wasm" flipped
			[[ $status == "$want" ]] ||
				fail "$name, byte $at flipped: status $status, wasm-validate $want: $output"
		done
	done
}

@test "the features clang --target=wasm32-wasi uses are on: bulk memory, sign-ext, multi-value" {
	cat > features.wat <<-'EOF'
	(module
	  (import "env" "g" (global (mut i32)))
	  (memory 1)
	  (func (param i32) (result i32)
	    (memory.copy (i32.const 0) (i32.const 8) (i32.const 4))
	    (i32.extend8_s (local.get 0)))
	  (func (result i32 i32) (i32.const 1) (i32.const 2)))
	EOF
	wat2wasm features.wat -o features.wasm
	run -0 "$test_wasm" features.wasm
	assert_line "import env g global"
}

@test "proposals wabt leaves off are refused: threads, exceptions" {
	echo '(module (memory 1 1 shared))' > shared.wat
	wat2wasm --enable-threads shared.wat -o shared.wasm
	run -1 "$test_wasm" shared.wasm
	assert_line "test-wasm: shared.wasm: offset 12: memory may not be shared: threads not allowed"
	echo '(module (import "env" "t" (tag (param i32))))' > tag.wat
	wat2wasm --enable-exceptions tag.wat -o tag.wasm
	run -1 "$test_wasm" tag.wasm
	assert_line "test-wasm: tag.wasm: offset 25: invalid import tag kind: exceptions not allowed"
}

@test "a name that is not UTF-8: refused, as the binary format requires" {
	cp "$WASM/noimports.wasm" latin1.wasm
	at=$(grep -obUa add latin1.wasm | head -n 1 | cut -d: -f1)
	printf '\xff' | dd of=latin1.wasm bs=1 seek="$at" conv=notrunc status=none
	# wabt names the offset just past the 3-byte name, not where the name starts
	run -1 "$test_wasm" latin1.wasm
	assert_line "test-wasm: latin1.wasm: offset $((at + 3)): invalid utf-8 encoding: export item name"
	# (wasm-validate puts the file name before validation errors only, not read errors)
	run -1 wasm-validate latin1.wasm
	assert_output "$(printf %07x $((at + 3))): error: invalid utf-8 encoding: export item name"
}

@test "a name holding a NUL byte (valid, but not a C string): refused" {
	echo '(module (func (export "a\00b")))' > nul.wat
	wat2wasm nul.wat -o nul.wasm
	run -0 wasm-validate nul.wasm
	run -1 "$test_wasm" nul.wasm
	assert_line "test-wasm: nul.wasm: export 0: its name holds a NUL byte"
}
