/*
 * api: what the files of the public API layer (the lib/ directory) share — the structs
 * behind the opaque handles of include/mmusim.h and the conversion of errors.
 *
 * The layer only translates: every handle wraps an internal object of sim/ or
 * pt/, and every call forwards to it.  The public enums are kept numerically
 * equal to the internal ones (checked at compile time in the files that convert),
 * so conversion is a cast.
 */
#ifndef MMUSIM_LIB_API_H
#define MMUSIM_LIB_API_H

#include "mmusim.h"

#include <string.h>

#include "pt/mm_error.h"
#include "formats/config.h"
#include "sim/machine.h"
#include "sim/replay.h"

struct mmusim_config {
	struct machine_config cfg;
};

struct mmusim_machine {
	struct mmusim_config config;   /* the machine's own copy */
	struct machine *m;
	struct image *img;             /* the memory of a machine over an image, else NULL */
	mmusim_error last_error;       /* of the last failed call that has no err argument */
};

struct mmusim_mmu {
	struct mmusim_machine *owner;
	struct replay replay;          /* owns the MMU: TLBs, PWCs and statistics */
	mmusim_error last_error;       /* of the last failed call that has no err argument */
	mmusim_access_log_fn log_fn;   /* mmusim_mmu_set_access_log's */
	void *log_arg;
	uint16_t *thread_cpus;         /* mmusim_mmu_set_threads_to_cpus's table (replay.opt.threads points at it) */
};

_Static_assert(sizeof(((struct mm_error *)0)->msg) == sizeof(((mmusim_error *)0)->message),
	       "mmusim_error carries the internal message whole");
/*
 * The public enums restate internal ones value for value, so the API converts
 * by a cast: each value is checked, not only the ends.
 */
#define API_SAME(pub, internal) _Static_assert((int)(pub) == (int)(internal), #pub " is " #internal)

API_SAME(MMUSIM_OK, MM_OK);
API_SAME(MMUSIM_EINVAL, MM_EINVAL);
API_SAME(MMUSIM_ERANGE, MM_ERANGE);
API_SAME(MMUSIM_EUNALIGNED, MM_EUNALIGNED);
API_SAME(MMUSIM_EOVERFLOW, MM_EOVERFLOW);
API_SAME(MMUSIM_ENOMEM, MM_ENOMEM);
API_SAME(MMUSIM_EBUS, MM_EBUS);
API_SAME(MMUSIM_EIO, MM_EIO);

/* Copies an internal error to the caller's (if any); returns its code. */
static inline int api_error(mmusim_error *out, const struct mm_error *in)
{
	if (out) {
		out->code = in->code;
		memcpy(out->message, in->msg, sizeof(out->message));
		out->message[sizeof(out->message) - 1] = '\0';
	}
	return in->code;
}

/*
 * A pointer argument that is NULL: MMUSIM_EINVAL "FUNCTION: ARG is NULL", from the
 * functions that create objects or take names, paths, options and arrays (a NULL
 * left by an earlier failure passed on, say), instead of a crash.
 */
#define API_REFUSE_NULL(err, arg)                                   \
	do {                                                        \
		if (!(arg))                                         \
			return api_null_argument(err, __func__, #arg); \
	} while (0)
int api_null_argument(mmusim_error *err, const char *func, const char *arg);

/*
 * Argument checks (lib/check.c): MM_OK, or MM_EINVAL with a message naming the
 * value that is outside its enum or flag set.
 */
int api_check_access(enum mmusim_access access, struct mm_error *e);
int api_check_priv(enum mmusim_priv priv, struct mm_error *e);
int api_check_prop(uint32_t flags, enum mmusim_cache cache, struct mm_error *e);
int api_check_flush_scope(enum mmusim_flush_scope scope, struct mm_error *e);
int api_check_event(const mmusim_event *ev, struct mm_error *e);

/* A walk's result as the API reports it (lib/walk.c). */
struct walker;
struct walk_request;
struct walk_result;
void api_walk_to_public(const struct walker *w, const struct walk_request *wr, const struct walk_result *res,
			mmusim_translation *out);
/* mmusim_translate of a virtual machine: the two-stage walk's combined answer (lib/vm.c). */
int api_translate_vm(mmusim_machine *m, const mmusim_request *req, mmusim_translation *out);

/* Internal events <-> public events (lib/trace.c). */
void api_event_to_public(const struct trace_event *in, mmusim_event *out);
void api_event_from_public(const mmusim_event *in, struct trace_event *out);
/* The internal reader behind a public trace handle (lib/trace.c). */
struct trace_reader *api_trace_reader(mmusim_trace *t);

/* The MMU's counters as the API shows them (lib/mmu.c); page_table_nodes and _bytes are left 0. */
void api_stats_to_public(const struct mmu_stats *s, mmusim_stats *out);
/* One TLB's (or with pwc, PWC's) config and counters as the API shows them (lib/mmu.c). */
void api_cache_stats_to_public(const struct tlb_config *tc, bool pwc, const struct tlb_stats *s,
			       mmusim_cache_stats *out);
const char *api_trace_path(const mmusim_trace *t);

#endif
