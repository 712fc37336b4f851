/*
 * wasm.cc - lib/wasm.h over wabt's C++ library (libwabt.a): the one C++ file
 * in libecap.  Everything C++ stays in here: no exception leaves it (a
 * std::bad_alloc becomes "out of memory"), and what it hands back is plain
 * malloc'd C.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memory>
#include <new>
#include <string>
#include <vector>

#include "wabt/binary-reader-ir.h"
#include "wabt/binary-reader.h"
#include "wabt/binary-writer.h"
#include "wabt/cast.h"
#include "wabt/error.h"
#include "wabt/feature.h"
#include "wabt/ir.h"
#include "wabt/stream.h"
#include "wabt/utf8.h"
#include "wabt/validator.h"

#include "wabt.h"
#include "wasm.h"

namespace {

using ecap_wabt::say;
using ecap_wabt::say_error;

/* 0 if buf begins with the preamble of a module; else -1 and why. */
int
check_preamble(const void *buf, size_t len, char *why, size_t whylen)
{
	const unsigned char *p = static_cast<const unsigned char *>(buf);

	/* wabt would say "bad magic value"; say what the payload is not. */
	if (len < 4 || memcmp(p, "\0asm", 4) != 0) {
		say(why, whylen, "offset 0: not a WebAssembly module (no \\0asm magic)");
		return -1;
	}
	if (len >= 8 && !ecap_wasm_is_module(buf, len)) {
		say(why, whylen, "offset 4: unsupported binary format version 0x%02x%02x%02x%02x "
		    "(expected 1; a component or a pre-1.0 module?)", p[7], p[6], p[5], p[4]);
		return -1;
	}
	return 0;
}

/* Parse and validate buf into *module, with wabt 1.0.32's default features (see wasm.h). */
int
load(const void *buf, size_t len, wabt::Module *module, char *why, size_t whylen,
    const char *prefix = "")
{
	wabt::Features features;
	wabt::ReadBinaryOptions options(features, nullptr, false, true, true);
	wabt::ValidateOptions voptions(features);
	wabt::Errors errors;

	if (wabt::Failed(wabt::ReadBinaryIr("", buf, len, options, &errors, module))) {
		say_error(why, whylen, errors, "malformed module", prefix);
		return -1;
	}
	if (wabt::Failed(wabt::ValidateModule(module, &errors, voptions))) {
		say_error(why, whylen, errors, "invalid module", prefix);
		return -1;
	}
	return 0;
}

/* A malloc'd copy of a wasm name, or nullptr if it holds a NUL byte or memory ran out. */
char *
cstr(const std::string &s, bool *nul)
{
	char *p;

	if (s.find('\0') != std::string::npos) {
		*nul = true;
		return nullptr;
	}
	if ((p = static_cast<char *>(malloc(s.size() + 1))) == nullptr)
		return nullptr;
	memcpy(p, s.data(), s.size());
	p[s.size()] = '\0';
	return p;
}

/* The spec's name of an external kind (Core Spec §2.5.10), which fits kind[8]. */
void
kind(char out[8], wabt::ExternalKind k)
{
	const char *s = ecap_wabt::kindname(k);

	memcpy(out, s, strlen(s) + 1);
}

/* Call f on each list of code directly inside e: a block's or loop's body, an if's arms, ... */
template <typename F>
void
each_nested(wabt::Expr *e, F f)
{
	switch (e->type()) {
	case wabt::ExprType::Block:
		f(&wabt::cast<wabt::BlockExpr>(e)->block.exprs);
		break;
	case wabt::ExprType::Loop:
		f(&wabt::cast<wabt::LoopExpr>(e)->block.exprs);
		break;
	case wabt::ExprType::If:
		f(&wabt::cast<wabt::IfExpr>(e)->true_.exprs);
		f(&wabt::cast<wabt::IfExpr>(e)->false_);
		break;
	case wabt::ExprType::Try: {	/* exceptions are refused; for when they are not */
		wabt::TryExpr *t = wabt::cast<wabt::TryExpr>(e);

		f(&t->block.exprs);
		for (wabt::Catch &c : t->catches)
			f(&c.exprs);
		break;
	}
	default:
		break;
	}
}

/*
 * Free the code of a module as one flat list.  wabt's destructors recurse once
 * per level of nesting, and a valid module of a million nested blocks would
 * overflow the stack; this moves every instruction out to one list first,
 * walking it as it grows.  Allocates nothing and throws nothing.
 */
void
flatten(wabt::Module *module) noexcept
{
	wabt::ExprList all;

	for (wabt::Func *f : module->funcs)
		all.splice(all.end(), f->exprs);
	for (auto it = all.begin(); it != all.end(); ++it)
		each_nested(&*it, [&all](wabt::ExprList *l) { all.splice(all.end(), *l); });
}

/* A module whose code is flattened before it is destroyed: declare after it. */
struct Flattener {
	wabt::Module *module;
	~Flattener() { flatten(module); }
};

/* ecap_wasm_inspect() proper; may throw std::bad_alloc. */
int
inspect(const void *buf, size_t len, struct ecap_wasm_info *info, char *why, size_t whylen)
{
	wabt::Module module;
	Flattener flat{ &module };
	bool nul = false;

	if (load(buf, len, &module, why, whylen) == -1)
		return -1;

	if (!module.imports.empty()) {
		info->imports = static_cast<struct ecap_wasm_import *>(
		    calloc(module.imports.size(), sizeof *info->imports));
		if (info->imports == nullptr)
			throw std::bad_alloc();
	}
	for (const wabt::Import *im : module.imports) {
		struct ecap_wasm_import *o = &info->imports[info->nimports++];

		o->module = cstr(im->module_name, &nul);
		o->name = cstr(im->field_name, &nul);
		if (nul) {
			say(why, whylen, "import %zu: a name holds a NUL byte", info->nimports - 1);
			return -1;
		}
		if (o->module == nullptr || o->name == nullptr)
			throw std::bad_alloc();
		kind(o->kind, im->kind());
	}

	if (!module.exports.empty()) {
		info->exports = static_cast<struct ecap_wasm_export *>(
		    calloc(module.exports.size(), sizeof *info->exports));
		if (info->exports == nullptr)
			throw std::bad_alloc();
	}
	for (const wabt::Export *ex : module.exports) {
		struct ecap_wasm_export *o = &info->exports[info->nexports++];

		o->name = cstr(ex->name, &nul);
		if (nul) {
			say(why, whylen, "export %zu: its name holds a NUL byte", info->nexports - 1);
			return -1;
		}
		if (o->name == nullptr)
			throw std::bad_alloc();
		kind(o->kind, ex->kind);
	}

	info->nfuncs = module.funcs.size() - module.num_func_imports;

	/* Without multi-memory there is at most one; imported ones come first. */
	if (!module.memories.empty()) {
		const wabt::Limits &l = module.memories[0]->page_limits;

		info->has_memory = 1;
		info->memory_imported = module.num_memory_imports > 0;
		info->memory_min_pages = static_cast<uint32_t>(l.initial);
		info->has_memory_max = l.has_max;
		info->memory_max_pages = l.has_max ? static_cast<uint32_t>(l.max) : 0;
	}

	if (!module.starts.empty() && module.starts[0]->is_index()) {
		info->has_start = 1;
		info->start_func = module.starts[0]->index();
	}
	return 0;
}

/* The cost of running list (see wasm.h): the instructions directly in it, at least 1. */
int64_t
cost(const wabt::ExprList &list)
{
	int64_t n = 0;

	for (const wabt::Expr &e : list)
		if (e.type() != wabt::ExprType::CodeMetadata)	/* an annotation, not code */
			n++;
	return n > 0 ? n : 1;
}

/*
 * Put at the start of list the charge of n units from the global fuel:
 *   global.get F  i64.const n  i64.sub  global.set F
 *   global.get F  i64.const 0  i64.lt_s  if  unreachable  end
 * Stack-neutral and self-contained: no branch depth around it changes.
 */
void
charge(wabt::ExprList *list, wabt::Index fuel, int64_t n)
{
	const wabt::Var f(fuel, wabt::Location());
	wabt::ExprList seq;
	auto trap = std::make_unique<wabt::IfExpr>();	/* block type empty: 0x40 */

	seq.push_back(std::make_unique<wabt::GlobalGetExpr>(f));
	seq.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(static_cast<uint64_t>(n))));
	seq.push_back(std::make_unique<wabt::BinaryExpr>(wabt::Opcode::I64Sub));
	seq.push_back(std::make_unique<wabt::GlobalSetExpr>(f));
	seq.push_back(std::make_unique<wabt::GlobalGetExpr>(f));
	seq.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(0)));
	seq.push_back(std::make_unique<wabt::CompareExpr>(wabt::Opcode::I64LtS));
	trap->true_.exprs.push_back(std::make_unique<wabt::UnreachableExpr>());
	seq.push_back(std::move(trap));
	list->splice(list->begin(), seq);
}

/*
 * Meter every list of code in module against the global fuel.  Iterative, with
 * a list of lists to do, so that deep nesting costs heap rather than stack; but
 * wabt's writer recurses, so nesting deeper than ECAP_WASM_METER_MAX_DEPTH is
 * refused (-1 and why).
 */
int
meter_code(wabt::Module *module, wabt::Index fuel, char *why, size_t whylen)
{
	struct work {
		wabt::ExprList *list;
		wabt::Index func;	/* in the function index space, imports first */
		unsigned depth;		/* structured instructions around it */
	};
	std::vector<work> todo;
	wabt::Index k;

	for (k = module->num_func_imports; k < module->funcs.size(); k++)
		todo.push_back(work{ &module->funcs[k]->exprs, k, 0 });
	while (!todo.empty()) {
		work w = todo.back();

		todo.pop_back();
		if (w.depth > ECAP_WASM_METER_MAX_DEPTH) {
			say(why, whylen, "function %u: blocks nested deeper than %d", w.func,
			    ECAP_WASM_METER_MAX_DEPTH);
			return -1;
		}
		/* Find the nested lists before charging, so that the check's own if is not metered. */
		for (wabt::Expr &e : *w.list)
			each_nested(&e, [&todo, &w](wabt::ExprList *l) {
				todo.push_back(work{ l, w.func, w.depth + 1 });
			});
		charge(w.list, fuel, cost(*w.list));
	}
	return 0;
}

/* ecap_wasm_meter() proper; may throw std::bad_alloc. */
int
meter(const void *buf, size_t len, const struct ecap_wasm_meter_opts *o, void **out,
    size_t *outlen, uint32_t *fuel_global, char *why, size_t whylen)
{
	wabt::Module module, check;
	Flattener flat{ &module }, flatcheck{ &check };
	wabt::Index fuel;

	if (o->fuel < 0) {
		say(why, whylen, "fuel %lld is negative", static_cast<long long>(o->fuel));
		return -1;
	}
	if (o->export_fuel != nullptr) {
		if (!wabt::IsValidUtf8(o->export_fuel, strlen(o->export_fuel))) {
			say(why, whylen, "export name is not valid UTF-8");
			return -1;
		}
	}
	if (load(buf, len, &module, why, whylen) == -1)
		return -1;

	/* The memory cap; without multi-memory there is at most one memory. */
	if (o->max_pages != 0 && !module.memories.empty()) {
		wabt::Limits *l = &module.memories[0]->page_limits;
		uint64_t cap = o->max_pages;

		if (module.num_memory_imports > 0) {
			say(why, whylen, "imported memory is not supported");
			return -1;
		}
		if (l->initial > cap) {
			say(why, whylen, "memory needs %llu pages, over the limit of %llu",
			    static_cast<unsigned long long>(l->initial),
			    static_cast<unsigned long long>(cap));
			return -1;
		}
		if (cap > 65536)	/* all a 32-bit memory can have (Core Spec §3.2.4) */
			cap = 65536;
		if (!l->has_max || l->max > cap) {
			l->has_max = true;
			l->max = cap;
		}
	}

	if (o->export_fuel != nullptr) {
		for (const wabt::Export *ex : module.exports) {
			if (ex->name == o->export_fuel) {
				say(why, whylen, "export name \"%s\" is already taken", o->export_fuel);
				return -1;
			}
		}
	}

	/* The fuel global: the last one, after the imported and the defined ones. */
	fuel = static_cast<wabt::Index>(module.globals.size());
	auto g = std::make_unique<wabt::GlobalModuleField>();
	g->global.type = wabt::Type::I64;
	g->global.mutable_ = true;
	g->global.init_expr.push_back(std::make_unique<wabt::ConstExpr>(
	    wabt::Const::I64(static_cast<uint64_t>(o->fuel))));
	module.AppendField(std::move(g));
	if (o->export_fuel != nullptr) {
		auto ex = std::make_unique<wabt::ExportModuleField>();

		ex->export_.name = o->export_fuel;
		ex->export_.kind = wabt::ExternalKind::Global;
		ex->export_.var = wabt::Var(fuel, wabt::Location());
		module.AppendField(std::move(ex));
	}

	if (meter_code(&module, fuel, why, whylen) == -1)
		return -1;

	wabt::MemoryStream stream;
	wabt::WriteBinaryOptions woptions(wabt::Features(), true, false, false);
	if (wabt::Failed(wabt::WriteBinaryModule(&stream, &module, woptions))) {
		say(why, whylen, "metered module: wabt could not write it");
		return -1;
	}
	const std::vector<uint8_t> &bytes = stream.output_buffer().data;

	/* The self-check: what we hand back decodes and validates. */
	if (load(bytes.data(), bytes.size(), &check, why, whylen, "metered module: ") == -1)
		return -1;
	if (check.globals.size() != fuel + 1) {
		say(why, whylen, "metered module: the fuel global is not global %u", fuel);
		return -1;
	}

	if ((*out = malloc(bytes.size())) == nullptr)
		throw std::bad_alloc();
	memcpy(*out, bytes.data(), bytes.size());
	*outlen = bytes.size();
	*fuel_global = fuel;
	return 0;
}

}  // namespace

extern "C" int
ecap_wasm_is_module(const void *buf, size_t len)
{
	static const unsigned char preamble[8] = { 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00 };

	return len >= sizeof preamble && memcmp(buf, preamble, sizeof preamble) == 0;
}

extern "C" int
ecap_wasm_inspect(const void *buf, size_t len, struct ecap_wasm_info *info, char *why,
    size_t whylen)
{
	int rc;

	memset(info, 0, sizeof *info);
	if (why != nullptr && whylen > 0)
		why[0] = '\0';
	if (check_preamble(buf, len, why, whylen) == -1)
		return -1;
	try {
		rc = inspect(buf, len, info, why, whylen);
	} catch (const std::bad_alloc &) {
		say(why, whylen, "out of memory");
		rc = -1;
	} catch (...) {
		say(why, whylen, "wabt failed unexpectedly");
		rc = -1;
	}
	if (rc == -1)
		ecap_wasm_info_free(info);
	return rc;
}

extern "C" void
ecap_wasm_info_free(struct ecap_wasm_info *info)
{
	size_t k;

	if (info == nullptr)
		return;
	for (k = 0; k < info->nimports; k++) {
		free(info->imports[k].module);
		free(info->imports[k].name);
	}
	for (k = 0; k < info->nexports; k++)
		free(info->exports[k].name);
	free(info->imports);
	free(info->exports);
	memset(info, 0, sizeof *info);
}

extern "C" int
ecap_wasm_meter(const void *buf, size_t len, const struct ecap_wasm_meter_opts *o,
    void **out, size_t *outlen, uint32_t *fuel_global, char *why, size_t whylen)
{
	int rc;

	*out = nullptr;
	*outlen = 0;
	if (why != nullptr && whylen > 0)
		why[0] = '\0';
	if (check_preamble(buf, len, why, whylen) == -1)
		return -1;
	try {
		rc = meter(buf, len, o, out, outlen, fuel_global, why, whylen);
	} catch (const std::bad_alloc &) {
		say(why, whylen, "out of memory");
		rc = -1;
	} catch (...) {
		say(why, whylen, "wabt failed unexpectedly");
		rc = -1;
	}
	if (rc == -1) {
		free(*out);
		*out = nullptr;
		*outlen = 0;
	}
	return rc;
}
