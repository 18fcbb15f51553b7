/*
 * bulk: the one-address calls over whole arrays, so that a binding pays one
 * foreign call (and one release of its interpreter lock) per array, not per
 * address.  Each element goes through the one-address call itself: there is
 * one path, and the bulk answer cannot drift from it.
 */
#include "api.h"

#include <stdio.h>

int mmusim_translate_many(mmusim_machine *m, const mmusim_request *req, const uint64_t *vas, size_t n,
			  uint64_t *pa, uint8_t *fault_kind)
{
	mmusim_request one;
	mmusim_translation t;

	if (!req)
		return api_null_argument(&m->last_error, __func__, "req");
	if (n && (!vas || !pa))
		return api_null_argument(&m->last_error, __func__, vas ? "pa" : "vas");
	one = *req;
	for (size_t i = 0; i < n; i++) {
		int rc;

		one.va = vas[i];
		if ((rc = mmusim_translate(m, &one, &t)) != MMUSIM_OK)
			return rc;
		pa[i] = t.ok ? t.pa : 0;
		if (fault_kind)
			fault_kind[i] = (uint8_t)t.fault_kind;
	}
	return MMUSIM_OK;
}

int mmusim_mmu_translate_many(mmusim_mmu *mmu, const uint64_t *vas, const uint8_t *accesses, size_t n,
			      uint64_t *pa, uint8_t *fault_kind, size_t *done, mmusim_error *err)
{
	size_t i;
	int rc = MMUSIM_OK;

	if (done)
		*done = 0;
	if (n && (!vas || !accesses))
		return api_null_argument(err, __func__, vas ? "accesses" : "vas");
	for (i = 0; i < n; i++) {
		mmusim_mmu_result r;

		if ((rc = mmusim_mmu_translate(mmu, vas[i], (enum mmusim_access)accesses[i], &r)) != MMUSIM_OK) {
			struct mm_error e = { .code = rc };

			snprintf(e.msg, sizeof(e.msg), "access %zu: %s", i, mmusim_mmu_last_error(mmu));
			api_error(err, &e);
			break;
		}
		if (pa)
			pa[i] = r.ok ? r.pa : 0;
		if (fault_kind)
			fault_kind[i] = (uint8_t)r.fault_kind;
	}
	if (done)
		*done = i;
	return rc;
}
