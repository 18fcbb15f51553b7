/*
 * check: validation of the enum, flag and cache-policy arguments of the public
 * API.  A caller may pass any integer where the header says enum; every public
 * function checks its arguments here first and refuses a value outside its
 * enum with MMUSIM_EINVAL and a message naming the value, so that nothing
 * beyond the API's edge ever sees one (an access kind of 7 would otherwise
 * index past tables and "translate" as something).
 */
#include "api.h"

#include "pt/page_prop.h"

int api_check_access(enum mmusim_access access, struct mm_error *e)
{
	if ((unsigned)access > MMUSIM_EXEC)
		return mm_error_set(e, MM_EINVAL, "bad access kind %d (expected MMUSIM_READ, MMUSIM_WRITE or MMUSIM_EXEC)",
				    (int)access);
	return MM_OK;
}

int api_check_priv(enum mmusim_priv priv, struct mm_error *e)
{
	if ((unsigned)priv > MMUSIM_SUPERVISOR)
		return mm_error_set(e, MM_EINVAL, "bad privilege %d (expected MMUSIM_USER or MMUSIM_SUPERVISOR)",
				    (int)priv);
	return MM_OK;
}

int api_check_prop(uint32_t flags, enum mmusim_cache cache, struct mm_error *e)
{
	const uint32_t all = MMUSIM_PROP_AVAIL2 * 2 - 1;

	if (flags & ~all)
		return mm_error_set(e, MM_EINVAL, "bad page flags 0x%x (MMUSIM_PROP_* bits only: at most 0x%x)", flags,
				    all);
	if ((unsigned)cache > MMUSIM_CACHE_WP)
		return mm_error_set(e, MM_EINVAL, "bad cache policy %d (expected MMUSIM_CACHE_WB .. MMUSIM_CACHE_WP)",
				    (int)cache);
	return MM_OK;
}

int api_check_flush_scope(enum mmusim_flush_scope scope, struct mm_error *e)
{
	if (!flush_scope_valid((unsigned)scope))
		return mm_error_set(e, MM_EINVAL,
				    "bad flush scope %d (expected MMUSIM_FLUSH_ALL .. MMUSIM_FLUSH_VA_ASID_GLOBAL, "
				    "optionally | MMUSIM_FLUSH_LAST_LEVEL | MMUSIM_FLUSH_ALL_CPUS)",
				    (int)scope);
	return MM_OK;
}

int api_null_argument(mmusim_error *err, const char *func, const char *arg)
{
	struct mm_error e = { 0 };

	return api_error(err, (mm_error_set(&e, MM_EINVAL, "%s: %s is NULL", func, arg), &e));
}

int api_check_event(const mmusim_event *ev, struct mm_error *e)
{
	switch (ev->op) {
	case MMUSIM_EV_ACCESS:
		if (ev->size > UINT16_MAX) /* the internal event holds 16 bits: it would touch fewer pages */
			return mm_error_set(e, MM_EINVAL, "access size %u is out of range (at most 65535 bytes)", ev->size);
		return api_check_access(ev->access, e);
	case MMUSIM_EV_MAP:
	case MMUSIM_EV_PROTECT:
	case MMUSIM_EV_GMAP:
	case MMUSIM_EV_GPROTECT:
		return api_check_prop(ev->flags, ev->cache, e);
	case MMUSIM_EV_MMAP:
		if (ev->n > 1)
			return mm_error_set(e, MM_EINVAL, "bad mmap sharing %u (expected 0: private, 1: shared)", ev->n);
		return api_check_prop(ev->flags, ev->cache, e);
	case MMUSIM_EV_MUNMAP:
		return MM_OK;
	case MMUSIM_EV_FORK:
	case MMUSIM_EV_EXIT:
		if (ev->n > UINT16_MAX)
			return mm_error_set(e, MM_EINVAL, "asid %u is out of range (at most 65535)", ev->n);
		return MM_OK;
	case MMUSIM_EV_GFLUSH:
		if (ev->n > MMUSIM_GFLUSH_ALL_VMS)
			return mm_error_set(e, MM_EINVAL,
					    "bad gflush %u (expected MMUSIM_GFLUSH_VM, MMUSIM_GFLUSH_GPA or MMUSIM_GFLUSH_ALL_VMS)", ev->n);
		return MM_OK;
	case MMUSIM_EV_VM:
		if (ev->n > 255)
			return mm_error_set(e, MM_EINVAL, "vm %u is out of range (at most 255)", ev->n);
		return MM_OK;
	case MMUSIM_EV_UNMAP:
	case MMUSIM_EV_GUNMAP:
	case MMUSIM_EV_STATS_RESET:
		return MM_OK;
	case MMUSIM_EV_ASID:
		if (ev->n > UINT16_MAX)
			return mm_error_set(e, MM_EINVAL, "asid %u is out of range (at most 65535)", ev->n);
		return MM_OK;
	case MMUSIM_EV_PRIV:
		return api_check_priv((enum mmusim_priv)ev->n, e);
	case MMUSIM_EV_CPU:
		/* the mmu says how many CPUs it has */
		return MM_OK;
	case MMUSIM_EV_THREAD:
		if (ev->n > TRACE_THREAD_MAX)
			return mm_error_set(e, MM_EINVAL, "thread %u is out of range (at most %u)", ev->n, TRACE_THREAD_MAX);
		return MM_OK;
	case MMUSIM_EV_POKE:
		if (ev->size != 0 && ev->size != 1 && ev->size != 2 && ev->size != 4 && ev->size != 8)
			return mm_error_set(e, MM_EINVAL, "bad poke size %u (expected 1, 2, 4 or 8 bytes)", ev->size);
		return MM_OK;
	case MMUSIM_EV_SET_PTE:
	case MMUSIM_EV_PTE_FIELD:
		return MM_OK;
	case MMUSIM_EV_FLUSH:
		if (api_check_flush_scope(ev->scope, e))
			return MM_EINVAL;
		if (flush_scope_has_asid((unsigned)ev->scope) && ev->n > UINT16_MAX)
			return mm_error_set(e, MM_EINVAL, "asid %u is out of range (at most 65535)", ev->n);
		return MM_OK;
	}
	return mm_error_set(e, MM_EINVAL, "bad event op %d (expected MMUSIM_EV_ACCESS .. MMUSIM_EV_PTE_FIELD)",
			    (int)ev->op);
}
