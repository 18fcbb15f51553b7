/*
 * setup: trace events applied to a machine directly, without TLBs — how page
 * tables are built before a query (`--setup`, `--map`).
 */
#include "api.h"

#include <inttypes.h>

#include "pt/walk.h"
#include "sim/pte_edit.h"

/* poke, set-pte, pte and map size=: the machine's memory written directly (sim/pte_edit.h). */
static int apply_authoring(mmusim_machine *m, const mmusim_event *ev, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct trace_event te;
	struct page_table *pt;
	int rc;

	api_event_from_public(ev, &te);
	if (te.op != TRACE_MAP)
		rc = pte_edit(m->m, m->m->user, &te, &e);
	else if (!m->m->pm)
		rc = mm_error_set(&e, MM_EINVAL, "a machine over an image is read-only: cannot map");
	else if ((rc = machine_route(m->m, m->m->user, te.va, &pt, &e)) == MM_OK)
		rc = pte_edit_map(m->m, pt, &te, &e);
	return rc ? api_error(err, &e) : MMUSIM_OK;
}

int mmusim_apply_event(mmusim_machine *m, const mmusim_event *ev, enum mmusim_priv *priv, mmusim_error *err)
{
	struct mm_error e = { 0 };
	mmusim_translation t;

	API_REFUSE_NULL(err, ev);
	API_REFUSE_NULL(err, priv);
	if (api_check_event(ev, &e))
		return api_error(err, &e);
	switch (ev->op) {
	case MMUSIM_EV_MAP:
		if (ev->size)
			return apply_authoring(m, ev, err);
		return mmusim_map(m, ev->va, ev->pa, ev->len, ev->flags, ev->cache, err);
	case MMUSIM_EV_POKE:
	case MMUSIM_EV_SET_PTE:
	case MMUSIM_EV_PTE_FIELD:
		return apply_authoring(m, ev, err);
	case MMUSIM_EV_UNMAP:
		return mmusim_unmap(m, ev->va, ev->len, err);
	case MMUSIM_EV_PROTECT:
		return mmusim_protect(m, ev->va, ev->len, ev->flags, ev->cache, err);
	case MMUSIM_EV_GMAP:
		return mmusim_gmap(m, ev->va, ev->pa, ev->len, ev->flags, ev->cache, err);
	case MMUSIM_EV_GUNMAP:
		return mmusim_gunmap(m, ev->va, ev->len, err);
	case MMUSIM_EV_GPROTECT:
		return mmusim_gprotect(m, ev->va, ev->len, ev->flags, ev->cache, err);
	case MMUSIM_EV_ACCESS:
		/* Sets A/D as the hardware would; a fault is part of the story, not an error. */
		mmusim_translate(m, &(mmusim_request){ .va = ev->va, .access = ev->access, .priv = *priv }, &t);
		return MMUSIM_OK;
	case MMUSIM_EV_ASID:
		return mmusim_switch_asid(m, (uint16_t)ev->n, err);
	case MMUSIM_EV_PRIV:
		*priv = (enum mmusim_priv)ev->n;
		return MMUSIM_OK;
	case MMUSIM_EV_GFLUSH:
		/* No TLB here; but only a VM has a stage 2 to fence. */
		return mmusim_machine_is_vm(m) ? MMUSIM_OK
					       : api_error(err, &(struct mm_error){ MM_EINVAL,
						 "gflush fences a virtual machine's stage 2, and this config has no stage2: block" });
	case MMUSIM_EV_VM:
		return mmusim_switch_vm(m, ev->n, err);
	case MMUSIM_EV_MMAP:
	case MMUSIM_EV_MUNMAP:
	case MMUSIM_EV_FORK:
	case MMUSIM_EV_EXIT: {
		/* Regions and processes are the OS layer's, which lives in a replay, not in the page tables. */
		mm_error_set(&e, MM_EINVAL, "%s of the OS layer: only replay runs it",
			     ev->op == MMUSIM_EV_MMAP     ? "mmap declares a region"
			     : ev->op == MMUSIM_EV_MUNMAP ? "munmap removes a region"
			     : ev->op == MMUSIM_EV_FORK   ? "fork creates a process"
							  : "exit ends a process");
		return api_error(err, &e);
	}
	case MMUSIM_EV_CPU:
	case MMUSIM_EV_THREAD:
	case MMUSIM_EV_FLUSH:
	case MMUSIM_EV_STATS_RESET:
		return MMUSIM_OK;
	}
	return api_error(err, &(struct mm_error){ MM_EINVAL, "unknown event" });
}

int mmusim_apply_trace(mmusim_machine *m, mmusim_trace *t, mmusim_error *err)
{
	enum mmusim_priv priv = MMUSIM_USER;
	mmusim_event ev[64];
	mmusim_error e = { 0 };
	long n;

	API_REFUSE_NULL(err, t);
	while ((n = mmusim_trace_next(t, ev, 64, &e)) > 0) {
		for (long i = 0; i < n; i++) {
			if (mmusim_apply_event(m, &ev[i], &priv, &e) == MMUSIM_OK)
				continue;
			struct mm_error prefixed = { .code = e.code };
			memcpy(prefixed.msg, e.message, sizeof(prefixed.msg));
			mm_error_prefix(&prefixed, "%s:%" PRIu64, api_trace_path(t), ev[i].line);
			return api_error(err, &prefixed);
		}
	}
	if (n < 0) {
		if (err)
			*err = e;
		return e.code ? e.code : MMUSIM_EINVAL;
	}
	return MMUSIM_OK;
}
