/*
 * interp.cc - lib/interp.h over wabt's interpreter (wabt::interp, in
 * libwabt.a).  No exception leaves this file; what it hands back is C.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <new>
#include <string>
#include <vector>

#include "wabt/binary-reader.h"
#include "wabt/error.h"
#include "wabt/feature.h"
#include "wabt/interp/binary-reader-interp.h"
#include "wabt/interp/interp.h"

#include "interp.h"
#include "wabt.h"

namespace wi = wabt::interp;

struct ecap_interp {
	wi::Store store;
	wi::ModuleDesc desc;
	bool has_start = false;
	wabt::Index start = 0;		/* run by us, after instantiation, to keep the instance */
	wi::Instance::Ptr instance;
	std::vector<struct ecap_interp_import> imports;

	/* While a host call runs. */
	bool in_call = false;
	/* Set by a host call that asked to exit or trap, read once Call returns. */
	int stop = ECAP_INTERP_RETURN;
	uint32_t exit_code = 0;
};

namespace {

using ecap_wabt::say;

char
letter(wabt::Type t)
{
	switch (t) {
	case wabt::Type::I32:	return 'i';
	case wabt::Type::I64:	return 'I';
	case wabt::Type::F32:	return 'f';
	case wabt::Type::F64:	return 'F';
	case wabt::Type::V128:	return 'v';
	default:		return 'r';
	}
}

uint64_t
raw(const wi::Value &v, wabt::Type t)
{
	switch (t) {
	case wabt::Type::I32:	return v.Get<uint32_t>();
	case wabt::Type::I64:	return v.Get<uint64_t>();
	case wabt::Type::F32: {
		float f = v.Get<float>();
		uint32_t u;

		memcpy(&u, &f, sizeof u);
		return u;
	}
	case wabt::Type::F64: {
		double d = v.Get<double>();
		uint64_t u;

		memcpy(&u, &d, sizeof u);
		return u;
	}
	default:		return 0;
	}
}

wi::Value
cooked(uint64_t u, wabt::Type t)
{
	switch (t) {
	case wabt::Type::I64:	return wi::Value::Make(static_cast<uint64_t>(u));
	case wabt::Type::F32: {
		uint32_t w = static_cast<uint32_t>(u);
		float f;

		memcpy(&f, &w, sizeof f);
		return wi::Value::Make(f);
	}
	case wabt::Type::F64: {
		double d;

		memcpy(&d, &u, sizeof d);
		return wi::Value::Make(d);
	}
	default:		return wi::Value::Make(static_cast<uint32_t>(u));
	}
}

int
load(const void *wasm, size_t len, struct ecap_interp **ip, char *why, size_t whylen)
{
	wabt::Features features;
	wabt::ReadBinaryOptions options(features, nullptr, false, true, true);
	wabt::Errors errors;
	struct ecap_interp *in = new struct ecap_interp;

	if (wabt::Failed(wi::ReadBinaryInterp("", wasm, len, options, &errors, &in->desc))) {
		ecap_wabt::say_error(why, whylen, errors, "malformed module");
		delete in;
		return -1;
	}
	for (const wi::ImportDesc &d : in->desc.imports) {
		struct ecap_interp_import o;

		memset(&o, 0, sizeof o);
		o.module = d.type.module.c_str();
		o.name = d.type.name.c_str();
		o.kind = ecap_wabt::kindname(d.type.type->kind);
		if (d.type.type->kind == wabt::ExternalKind::Func) {
			const wi::FuncType *ft = wabt::cast<wi::FuncType>(d.type.type.get());

			if (ft->params.size() >= sizeof o.params ||
			    ft->results.size() >= sizeof o.results) {
				say(why, whylen, "import %s.%s: too many parameters or results",
				    o.module, o.name);
				delete in;
				return -1;
			}
			for (size_t k = 0; k < ft->params.size(); k++)
				o.params[k] = letter(ft->params[k]);
			for (size_t k = 0; k < ft->results.size(); k++)
				o.results[k] = letter(ft->results[k]);
		}
		in->imports.push_back(o);
	}
	/* The start function is called by ecap_interp_run, once the instance exists. */
	if (!in->desc.starts.empty()) {
		in->has_start = true;
		in->start = in->desc.starts[0].func_index;
		in->desc.starts.clear();
	}
	*ip = in;
	return 0;
}

/* Call func (no parameters, no results) and say how it ended. */
int
call(struct ecap_interp *in, wi::Func::Ptr func, uint32_t *code, char *msg, size_t msglen)
{
	wi::Values params, results;
	wi::Trap::Ptr trap;

	in->stop = ECAP_INTERP_RETURN;
	/*
	 * wabt 1.0.32 drops the trap of a call_indirect that overflows the call
	 * stack and carries on as if the call had returned (fixed in 1.0.37);
	 * the trap it made is still here, so such a run ends as the trap.
	 */
	if (wabt::Succeeded(func->Call(in->store, params, results, &trap)) && !trap)
		return ECAP_INTERP_RETURN;
	if (in->stop == ECAP_INTERP_EXIT) {
		*code = in->exit_code;
		return ECAP_INTERP_EXIT;
	}
	say(msg, msglen, "%s", trap ? trap->message().c_str() : "trap");
	return ECAP_INTERP_TRAP;
}

int
run(struct ecap_interp *in, const char *entry, ecap_interp_host_fn host, void *ctx,
    uint32_t *code, char *msg, size_t msglen)
{
	wi::Module::Ptr mod = wi::Module::New(in->store, in->desc);
	wi::RefVec imports;
	wi::Trap::Ptr trap;
	int rc;

	for (size_t k = 0; k < in->desc.imports.size(); k++) {
		const wi::ImportDesc &d = in->desc.imports[k];

		if (d.type.type->kind != wabt::ExternalKind::Func) {
			say(msg, msglen, "import %s.%s: a %s import is not supported",
			    d.type.module.c_str(), d.type.name.c_str(),
			    ecap_wabt::kindname(d.type.type->kind));
			return -1;
		}
		const wi::FuncType ft = *wabt::cast<wi::FuncType>(d.type.type.get());
		auto cb = [in, host, ctx, k, ft](wi::Thread &, const wi::Values &params,
		    wi::Values &results, wi::Trap::Ptr *out_trap) -> wabt::Result {
			uint64_t args[32], result = 0;
			char why[256] = "";
			int r;

			for (size_t j = 0; j < params.size() && j < 32; j++)
				args[j] = raw(params[j], ft.params[j]);
			in->in_call = true;
			r = host(ctx, k, args, params.size(), &result, why, sizeof why);
			in->in_call = false;
			if (r == ECAP_INTERP_RETURN) {
				for (size_t j = 0; j < results.size(); j++)
					results[j] = cooked(result, ft.results[j]);
				return wabt::Result::Ok;
			}
			in->stop = r;
			if (r == ECAP_INTERP_EXIT) {
				in->exit_code = static_cast<uint32_t>(result);
				*out_trap = wi::Trap::New(in->store, "exit");
			} else {
				*out_trap = wi::Trap::New(in->store, why[0] ? why : "host call failed");
			}
			return wabt::Result::Error;
		};
		imports.push_back(wi::HostFunc::New(in->store, ft, cb).ref());
	}

	in->instance = wi::Instance::Instantiate(in->store, mod.ref(), imports, &trap);
	if (!in->instance) {
		say(msg, msglen, "%s", trap ? trap->message().c_str() : "cannot instantiate");
		return -1;
	}
	if (in->has_start) {
		wi::Func::Ptr f = in->store.UnsafeGet<wi::Func>(in->instance->funcs()[in->start]);

		if ((rc = call(in, f, code, msg, msglen)) != ECAP_INTERP_RETURN)
			return rc;
	}
	if (entry == nullptr)
		return ECAP_INTERP_RETURN;
	for (size_t k = 0; k < mod->desc().exports.size(); k++) {
		const wi::ExportDesc &e = mod->desc().exports[k];

		if (e.type.name != entry)
			continue;
		if (e.type.type->kind != wabt::ExternalKind::Func)
			break;
		wi::Func::Ptr f = in->store.UnsafeGet<wi::Func>(in->instance->exports()[k]);
		if (!f->type().params.empty() || !f->type().results.empty()) {
			say(msg, msglen, "export %s takes or returns values", entry);
			return -1;
		}
		return call(in, f, code, msg, msglen);
	}
	say(msg, msglen, "no exported function %s", entry);
	return -1;
}

wi::Memory::Ptr
memory0(const struct ecap_interp *in)
{
	if (!in->instance || in->instance->memories().empty())
		return wi::Memory::Ptr();
	return const_cast<wi::Store &>(in->store).UnsafeGet<wi::Memory>(
	    in->instance->memories()[0]);
}

}  // namespace

extern "C" int
ecap_interp_load(const void *wasm, size_t len, struct ecap_interp **ip, char *why,
    size_t whylen)
{
	*ip = nullptr;
	try {
		return load(wasm, len, ip, why, whylen);
	} catch (const std::bad_alloc &) {
		say(why, whylen, "out of memory");
	} catch (...) {
		say(why, whylen, "wabt failed unexpectedly");
	}
	return -1;
}

extern "C" size_t
ecap_interp_nimports(const struct ecap_interp *in)
{
	return in->imports.size();
}

extern "C" void
ecap_interp_get_import(const struct ecap_interp *in, size_t k, struct ecap_interp_import *out)
{
	*out = in->imports[k];
}

extern "C" int
ecap_interp_run(struct ecap_interp *in, const char *entry, ecap_interp_host_fn host, void *ctx,
    uint32_t *code, char *msg, size_t msglen)
{
	try {
		return run(in, entry, host, ctx, code, msg, msglen);
	} catch (const std::bad_alloc &) {
		say(msg, msglen, "out of memory");
	} catch (...) {
		say(msg, msglen, "wabt failed unexpectedly");
	}
	return -1;
}

extern "C" int
ecap_interp_memory(struct ecap_interp *in, unsigned char **base, uint64_t *size)
{
	if (!in->in_call)
		return -1;
	wi::Memory::Ptr m = memory0(in);
	if (!m)
		return -1;
	*base = m->UnsafeData();
	*size = m->ByteSize();
	return 0;
}

extern "C" uint64_t
ecap_interp_memory_size(const struct ecap_interp *in)
{
	wi::Memory::Ptr m = memory0(in);

	return m ? m->ByteSize() : 0;
}

extern "C" int
ecap_interp_global_i64(const struct ecap_interp *in, uint32_t index, int64_t *value)
{
	if (!in->instance || index >= in->instance->globals().size())
		return -1;
	wi::Global::Ptr g = const_cast<wi::Store &>(in->store).UnsafeGet<wi::Global>(
	    in->instance->globals()[index]);
	if (g->type().type != wabt::Type::I64)
		return -1;
	*value = static_cast<int64_t>(g->Get().Get<uint64_t>());
	return 0;
}

extern "C" void
ecap_interp_free(struct ecap_interp *in)
{
	try {
		delete in;
	} catch (...) {
	}
}
