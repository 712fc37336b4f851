#!/usr/bin/env bats
# lib/wasm.h: ecap_wasm_meter(), fuel metering and a memory cap written into the module
# itself, through t/helper/test-wasm meter.  The fixtures are t/data/wasm/meter-*.wat, whose
# comments give the fuel each function costs under the cost model of lib/wasm.h, worked out
# by hand.  The oracles: wasm-validate and wasm-objdump (wabt's tools), and two engines that
# run the metered modules: Node's V8 through the JS WebAssembly API (t/lib/run-metered.js),
# which shares no code with wabt, and wabt's own wasm-interp.

setup() {
	load lib/common
	WASM="$DATA/wasm"
	test_wasm="$T_ROOT/t/helper/test-wasm"
}

# meter IN OUT FUEL MAXPAGES [EXPORT]: test-wasm meter, IN to OUT (stderr is left to run).
meter() {
	"$test_wasm" meter "${@:3}" < "$1" > "$2"
}

# engine FILE [CALL ...]: run the metered FILE in Node, its fuel global exported as "fuel".
engine() {
	node "$T_ROOT/t/lib/run-metered.js" "$1" fuel "${@:2}"
}

# fuel_left: the fuel run-metered.js printed last, in $output.
fuel_left() {
	printf '%s\n' "$output" | sed -n 's/^fuel //p'
}

# leb128 N: N as unsigned LEB128 (Core Spec §5.2.2), in hex.
leb128() {
	local n=$1 b
	while ((n >= 0x80)); do
		b=$(((n & 0x7f) | 0x80))
		printf '%02x' "$b"
		n=$((n >> 7))
	done
	printf '%02x' "$n"
}

# nested_blocks N: a module exporting one function f, () -> (), that nests N empty blocks.
nested_blocks() {
	local n=$1 body=$((3 * $1 + 2)) size	# no locals, N "block (empty)", N + 1 "end"
	size=$(leb128 "$body")
	# preamble; types: () -> (); functions: type 0; exports: "f" func 0; code: 1 body
	unhex 0061736d0100000001040160000003020100070501016600000a
	unhex "$(leb128 $((1 + ${#size} / 2 + body)))01${size}00"
	printf '\x02\x40%.0s' $(seq "$n")
	printf '\x0b%.0s' $(seq $((n + 1)))
}

# sections FILE [GLOBAL]: what wasm-objdump -x says of FILE but for its Code section (the
# code's sizes change), the Global section's count, and global[GLOBAL] (the fuel global).
sections() {
	wasm-objdump -x "$1" | awk -v fuel="${2:--1}" '
		/file format/ { next }
		/^[A-Z][A-Za-z]*(\[[0-9]+\])?:$/ { sec = $1; if (sec ~ /^(Code|Global)\[/) next }
		sec ~ /^Code\[/ { next }
		index($0, " - global[" fuel "] i64 mutable=1 ") == 1 { next }
		{ print }'
}

@test "metered fixtures validate, the fuel global last: an i64, mutable, starting at FUEL" {
	for name in meter-loop meter-if meter-grow hello noimports memmax; do
		run -0 meter "$WASM/$name.wasm" out.wasm 12345 0
		index=${output#fuel global }
		run -0 wasm-validate out.wasm
		# the globals before: imported and defined; the new one comes after them all
		before=$(wasm-objdump -x "$WASM/$name.wasm" | grep -cE '^ - global\[[0-9]+\] .*mutable=' || :)
		((index == before)) || fail "$name: fuel global $index, but $before globals before"
		run -0 wasm-objdump -x out.wasm
		assert_line " - global[$index] i64 mutable=1 - init i64=12345"
	done
}

@test "the rewrite: a charge at the start of each list, branch depths unchanged" {
	run -0 meter "$WASM/meter-loop.wasm" out.wasm 100 0
	assert_output "fuel global 0"
	run -0 wasm2wat out.wasm
	assert_output - <<-'EOF'
	(module
	  (type (;0;) (func (param i32) (result i32)))
	  (type (;1;) (func (result i32)))
	  (func (;0;) (type 0) (param i32) (result i32)
	    (local i32)
	    global.get 0
	    i64.const 2
	    i64.sub
	    global.set 0
	    global.get 0
	    i64.const 0
	    i64.lt_s
	    if  ;; label = @1
	      unreachable
	    end
	    block  ;; label = @1
	      global.get 0
	      i64.const 1
	      i64.sub
	      global.set 0
	      global.get 0
	      i64.const 0
	      i64.lt_s
	      if  ;; label = @2
	        unreachable
	      end
	      loop  ;; label = @2
	        global.get 0
	        i64.const 9
	        i64.sub
	        global.set 0
	        global.get 0
	        i64.const 0
	        i64.lt_s
	        if  ;; label = @3
	          unreachable
	        end
	        local.get 1
	        local.get 0
	        i32.ge_u
	        br_if 1 (;@1;)
	        local.get 1
	        i32.const 1
	        i32.add
	        local.set 1
	        br 0 (;@2;)
	      end
	    end
	    local.get 1)
	  (func (;1;) (type 1) (result i32)
	    global.get 0
	    i64.const 2
	    i64.sub
	    global.set 0
	    global.get 0
	    i64.const 0
	    i64.lt_s
	    if  ;; label = @1
	      unreachable
	    end
	    i32.const 10
	    call 0)
	  (global (;0;) (mut i64) (i64.const 100))
	  (export "run" (func 0))
	  (export "run10" (func 1)))
	EOF
}

@test "everything else is kept: imports, exports, start, table, element and data segments" {
	# wasm-objdump -x of the module before and after, but for the new global and the
	# code, whose sizes change
	for name in hello memmax meter-if meter-grow; do
		run -0 meter "$WASM/$name.wasm" out.wasm 1000 0
		index=${output#fuel global }
		sections "$WASM/$name.wasm" > want
		sections out.wasm "$index" > got
		run -0 diff want got
		grep -q '^Export\[' want || fail "$name: no exports to compare"
	done
	grep -q '^Data\[2\]' <(wasm-objdump -x "$WASM/hello.wasm")
	grep -q '^Elem\[1\]' <(wasm-objdump -x "$WASM/meter-if.wasm")
	grep -q '^Start:' <(wasm-objdump -x "$WASM/memmax.wasm")
	# and the fuel global's export when asked for, after the others
	run -0 meter "$WASM/memmax.wasm" out.wasm 1000 0 fuel
	run -0 wasm-objdump -x out.wasm
	assert_line " - global[2] -> \"fuel\""
}

@test "a counting loop in V8: 9n + 12 fuel, as the cost model says, and the same every time" {
	meter "$WASM/meter-loop.wasm" loop.wasm 1000000 0 fuel
	for n in 0 1 2 10 100 1000; do
		for again in 1 2; do
			run -0 engine loop.wasm "run:$n"
			assert_line "run($n) = $n"
			used=$((1000000 - $(fuel_left)))
			((used == 9 * n + 12)) || fail "run($n), run $again: used $used, not $((9 * n + 12))"
		done
	done
	# two calls on one instance: the sum
	run -0 engine loop.wasm run:10 run:100
	assert_line "fuel $((1000000 - 102 - 912))"
}

@test "fuel to the unit: run(10) returns with 102, traps at the unreachable with 101" {
	meter "$WASM/meter-loop.wasm" enough.wasm 102 0 fuel
	run -0 engine enough.wasm run:10
	assert_output "run(10) = 10
fuel 0"
	meter "$WASM/meter-loop.wasm" short.wasm 101 0 fuel
	run -1 engine short.wasm run:10
	assert_output "trap: unreachable
fuel -1"
	# no fuel at all: the body's charge of 2 is the first thing to run
	meter "$WASM/meter-loop.wasm" none.wasm 0 0 fuel
	run -1 engine none.wasm run:0
	assert_output "trap: unreachable
fuel -2"
}

@test "the guest's own unreachable: a trap with the fuel global still >= 0" {
	meter "$WASM/meter-if.wasm" if.wasm 100 0 fuel
	run -1 engine if.wasm boom
	assert_output "trap: unreachable
fuel 99"
}

@test "both arms of an if, an empty else, calls direct and indirect: the figures in meter-if.wat" {
	meter "$WASM/meter-if.wasm" if.wasm 100 0 fuel
	for call in pick:1=3 pick:0=5 maybe:1=5 maybe:0=4 twice:1=11 twice:0=15 dyn:1=6 dyn:0=8; do
		run -0 engine if.wasm "${call%=*}"
		used=$((100 - $(fuel_left)))
		((used == ${call#*=})) || fail "${call%=*}: used $used, not ${call#*=}"
	done
	# and the calls still compute what they did
	run -0 engine if.wasm twice:0 dyn:1
	assert_output "twice(0) = 42
dyn(1) = 10
fuel $((100 - 15 - 6))"
}

@test "the same fuel in another engine: wabt's wasm-interp stops where V8 does" {
	# run10() costs 104: enough with 104, out at the unreachable with 103, in both
	meter "$WASM/meter-loop.wasm" enough.wasm 104 0 fuel
	run -0 wasm-interp enough.wasm --run-all-exports
	assert_output "run10() => i32:10"
	run -0 engine enough.wasm run10
	assert_output "run10() = 10
fuel 0"
	meter "$WASM/meter-loop.wasm" short.wasm 103 0 fuel
	run -0 wasm-interp short.wasm --run-all-exports
	assert_output "run10() => error: unreachable executed"
	run -1 engine short.wasm run10
	assert_output "trap: unreachable
fuel -1"
}

@test "the rewrite is deterministic: the same bytes every time" {
	meter "$WASM/meter-if.wasm" one.wasm 5000 4 fuel
	meter "$WASM/meter-if.wasm" two.wasm 5000 4 fuel
	run -0 cmp one.wasm two.wasm
	meter "$WASM/meter-if.wasm" other.wasm 5001 4 fuel
	run -1 cmp -s one.wasm other.wasm
}

@test "the start function is metered too, at instantiation" {
	# meter-grow's start function costs 2
	meter "$WASM/meter-grow.wasm" grow.wasm 100 0 fuel
	run -0 engine grow.wasm
	assert_output "fuel 98"
	meter "$WASM/meter-grow.wasm" grow.wasm 1 0 fuel
	run -1 engine grow.wasm
	assert_output "trap: unreachable
fuel ?"
}

@test "fuel up to INT64_MAX" {
	meter "$WASM/meter-loop.wasm" loop.wasm 9223372036854775807 0 fuel
	run -0 engine loop.wasm run:0
	assert_line "fuel $((9223372036854775807 - 12))"
}

@test "memory cap: memory.grow within it succeeds, beyond it returns -1, in V8" {
	# unmetered, meter-grow's memory (1 page, no maximum) grows to 5 pages
	run -0 node "$T_ROOT/t/lib/run-metered.js" "$WASM/meter-grow.wasm" - grow:4 size
	assert_output "grow(4) = 1
size() = 5"
	meter "$WASM/meter-grow.wasm" grow.wasm 1000 4 fuel
	run -0 engine grow.wasm grow:4 grow:3 grow:1 size grow:0
	assert_output "grow(4) = -1
grow(3) = 1
grow(1) = -1
size() = 4
grow(0) = 4
fuel $((1000 - 2 - 2 - 2 - 2 - 1 - 2))"
}

@test "memory cap: the smaller of the declared maximum and the cap; 0 leaves it" {
	for case in memmax:0:" max=16" memmax:8:" max=8" memmax:16:" max=16" memmax:32:" max=16" \
	    meter-grow:0:"" meter-grow:1:" max=1" meter-grow:4:" max=4" \
	    meter-grow:4294967295:" max=65536"; do
		IFS=: read -r name cap max <<< "$case"
		run -0 meter "$WASM/$name.wasm" out.wasm 1000 "$cap"
		initial=$(wasm-objdump -x "$WASM/$name.wasm" | sed -n 's/.* pages: initial=\([0-9]*\).*/\1/p')
		run -0 wasm-objdump -x out.wasm
		assert_line " - memory[0] pages: initial=$initial$max"
	done
	# no memory, no cap to set: the same as without one
	meter "$WASM/noimports.wasm" capped.wasm 1000 4
	meter "$WASM/noimports.wasm" uncapped.wasm 1000 0
	run -0 cmp capped.wasm uncapped.wasm
}

@test "an initial memory over the cap: refused, nothing written" {
	run -1 meter "$WASM/memmax.wasm" out.wasm 1000 1
	assert_output "test-wasm: stdin: memory needs 2 pages, over the limit of 1"
	assert_file_empty out.wasm
	run -0 meter "$WASM/memmax.wasm" out.wasm 1000 2
	run -0 wasm-validate out.wasm
}

@test "an imported memory: refused with a cap, metered without one" {
	run -1 meter "$WASM/impmem.wasm" out.wasm 1000 4
	assert_output "test-wasm: stdin: imported memory is not supported"
	assert_file_empty out.wasm
	run -0 meter "$WASM/impmem.wasm" out.wasm 1000 0
	run -0 wasm-validate out.wasm
}

@test "an invalid module, not a module: refused as ecap_wasm_inspect refuses them" {
	run -1 meter "$WASM/invalid.wasm" out.wasm 1000 0
	assert_output "test-wasm: stdin: offset 38: type mismatch in i32.add, expected [i32, i32] but got [i32, i64]"
	assert_file_empty out.wasm
	prng 1000 > garbage
	run -1 meter garbage out.wasm 1000 0
	assert_output 'test-wasm: stdin: offset 0: not a WebAssembly module (no \0asm magic)'
	assert_file_empty out.wasm
	head -c 30 "$WASM/meter-loop.wasm" > cut
	run -1 meter cut out.wasm 1000 0
	assert_output --regexp '^test-wasm: stdin: offset [0-9]+: '
	assert_file_empty out.wasm
}

@test "negative fuel, an export name taken or not UTF-8: refused, nothing written" {
	run -1 meter "$WASM/meter-loop.wasm" out.wasm -1 0
	assert_output "test-wasm: stdin: fuel -1 is negative"
	assert_file_empty out.wasm
	run -1 meter "$WASM/meter-loop.wasm" out.wasm 1000 0 run10
	assert_output 'test-wasm: stdin: export name "run10" is already taken'
	assert_file_empty out.wasm
	run -1 meter "$WASM/meter-loop.wasm" out.wasm 1000 0 $'\xff'
	assert_output "test-wasm: stdin: export name is not valid UTF-8"
	assert_file_empty out.wasm
}

@test "blocks nested 16384 deep: metered; one deeper: refused; a million: no crash" {
	nested_blocks 16384 > deep.wasm
	run -0 wasm-validate deep.wasm
	run -0 meter deep.wasm out.wasm 100000 0 fuel
	run -0 wasm-validate out.wasm
	# each level's block charges 1, the body too
	run -0 engine out.wasm f
	assert_output "f() = undefined
fuel $((100000 - 16385))"
	nested_blocks 16385 > deeper.wasm
	run -1 meter deeper.wasm out.wasm 100000 0
	assert_output "test-wasm: stdin: function 0: blocks nested deeper than 16384"
	assert_file_empty out.wasm
	nested_blocks 1000000 > deepest.wasm
	run -1 meter deepest.wasm out.wasm 100000 0
	assert_output "test-wasm: stdin: function 0: blocks nested deeper than 16384"
	run -0 "$test_wasm" deepest.wasm
	assert_line "funcs 1"
}
