/* vm: the public face of a virtual machine's host side and its two-stage walk. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>

#include "pt/page_prop.h"
#include "pt/pt_arch.h"
#include "sim/nested_walk.h"
#include "sim/stage2_host.h"

API_SAME(MMUSIM_ROW_TABLE_READ, NESTED_ROW_TABLE_READ);
API_SAME(MMUSIM_ROW_TABLE_WRITE, NESTED_ROW_TABLE_WRITE);
API_SAME(MMUSIM_ROW_FINAL, NESTED_ROW_FINAL);
API_SAME(MMUSIM_STAGE_NONE, NESTED_OK);
API_SAME(MMUSIM_STAGE_GUEST, NESTED_FAULT_STAGE1);
API_SAME(MMUSIM_STAGE_HOST_TABLE, NESTED_FAULT_STAGE2_TABLE);
API_SAME(MMUSIM_STAGE_HOST_FINAL, NESTED_FAULT_STAGE2_FINAL);
_Static_assert(MMUSIM_MAX_ROWS == NESTED_MAX_ROWS, "a nested walk has at most MMUSIM_MAX_ROWS rows");

bool mmusim_machine_is_vm(const mmusim_machine *m)
{
	return m->m->host != NULL;
}

static int refuse_one_stage(const mmusim_machine *m, const char *op, mmusim_error *err)
{
	struct mm_error e = { 0 };

	if (m->m->host && !m->m->pm) {
		mm_error_set(&e, MM_EINVAL, "a machine over an image is read-only: cannot %s", op);
		return api_error(err, &e);
	}
	if (m->m->host)
		return MMUSIM_OK;
	mm_error_set(&e, MM_EINVAL, "%s edits a virtual machine's stage-2 table, and config %s has no stage2: block",
		     op, m->m->cfg.name);
	return api_error(err, &e);
}

static int edit(int rc, const struct mm_error *e, mmusim_error *err)
{
	return rc ? api_error(err, e) : MMUSIM_OK;
}

int mmusim_gmap(mmusim_machine *m, uint64_t gpa, uint64_t hpa, uint64_t len, uint32_t flags,
		enum mmusim_cache cache, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct page_prop prop = { flags, (enum cache_policy)cache };
	int rc;

	if ((rc = refuse_one_stage(m, "gmap", err)))
		return rc;
	if (api_check_prop(flags, cache, &e))
		return api_error(err, &e);
	return edit(stage2_host_map(m->m->host, gpa, hpa, len, &prop, &e), &e, err);
}

int mmusim_gunmap(mmusim_machine *m, uint64_t gpa, uint64_t len, mmusim_error *err)
{
	struct mm_error e = { 0 };
	int rc;

	if ((rc = refuse_one_stage(m, "gunmap", err)))
		return rc;
	return edit(stage2_host_unmap(m->m->host, gpa, len, &e), &e, err);
}

int mmusim_gprotect(mmusim_machine *m, uint64_t gpa, uint64_t len, uint32_t flags,
		    enum mmusim_cache cache, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct page_prop prop = { flags, (enum cache_policy)cache };
	int rc;

	if ((rc = refuse_one_stage(m, "gprotect", err)))
		return rc;
	if (api_check_prop(flags, cache, &e))
		return api_error(err, &e);
	return edit(stage2_host_protect(m->m->host, gpa, len, &prop, &e), &e, err);
}

uint64_t mmusim_stage2_root(const mmusim_machine *m)
{
	return m->m->host ? stage2_host_root(m->m->host) : 0;
}

uint64_t mmusim_stage2_root_register(const mmusim_machine *m)
{
	const struct stage2_host *h = m->m->host;

	return h ? pt_arch_root_reg(h->cfg.arch, &h->cfg.pc, &h->cfg.cpu, stage2_host_root(h), m->m->vmid) : 0;
}

const char *mmusim_stage2_root_register_name(const mmusim_machine *m)
{
	return m->m->host ? pt_arch_stage2_register(m->m->host->cfg.arch) : NULL;
}

const char *mmusim_guest_root_register_name(const mmusim_machine *m, char *buf, size_t len)
{
	const struct stage2_host *h = m->m->host;

	if (!h)
		return NULL;
	pt_arch_guest_register(h->cfg.arch, m->m->cfg.arch, buf, len);
	return buf;
}

unsigned mmusim_stage2_levels(const mmusim_machine *m)
{
	return m->m->host ? m->m->host->cfg.pc.nr_levels : 0;
}

/* The one-dimensional answer: the guest's walk with the host PA, or the stage-2 fault. */
static void combine(mmusim_nested_translation *n)
{
	mmusim_translation *out = &n->combined;

	*out = n->guest;
	if (n->ok) {
		out->pa = n->hpa;
		out->page_size = n->page_size;
		/* The hardware allows what both stages allow: r, w, x also need the final GPA's stage-2 leaf. */
		for (unsigned i = 0; i < n->nr_rows; i++)
			if (n->rows[i].kind == MMUSIM_ROW_FINAL)
				out->perms &= n->rows[i].walk.perms | ~(unsigned)(MMUSIM_PERM_R | MMUSIM_PERM_W | MMUSIM_PERM_X);
	} else if (n->fault_stage != MMUSIM_STAGE_GUEST && n->nr_rows) {
		const mmusim_translation *s2 = &n->rows[n->nr_rows - 1].walk;

		for (unsigned i = n->nr_rows; i-- > 0;)
			if (!n->rows[i].walk.ok) {
				s2 = &n->rows[i].walk;
				break;
			}
		out->ok = false;
		out->pa = 0;
		out->fault_kind = s2->fault_kind;
		out->fault_level = s2->fault_level;
		out->fault_reason = s2->fault_reason;
		out->fault_code = n->report_code;
		out->fault_stage2 = true;
		out->refused_level = s2->refused_level;
		out->refused_pte_addr = s2->refused_pte_addr;
	}
}

int mmusim_translate_nested(mmusim_machine *m, const mmusim_request *req, mmusim_nested_translation *out)
{
	struct mm_error e = { 0 };
	struct machine *mach = m->m;
	struct stage2_host *h = mach->host;
	struct walk_request wr = {
		.root = machine_root(mach), .va = req->va, .access = (enum access_kind)req->access,
		.priv = (enum privilege)req->priv, .smap_ac = req->smap_ac, .no_ad_update = req->no_ad_update,
	};
	struct nested_result *res;

	memset(out, 0, sizeof(*out));
	if (!h)
		return api_error(&m->last_error,
				 &(struct mm_error){ MM_EINVAL, "config has no stage2: block: not a virtual machine" });
	if (api_check_access(req->access, &e) || api_check_priv(req->priv, &e))
		return api_error(&m->last_error, &e);
	if (!(res = malloc(sizeof(*res))))
		return api_error(&m->last_error, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	h->guest.no_ad_update = req->no_ad_update;
	machine_walk_nested(mach, &wr, res);
	h->guest.no_ad_update = false;

	out->ok = res->ok;
	out->hpa = res->hpa;
	out->fault_stage = (enum mmusim_stage)res->fault;
	api_walk_to_public(&mach->walker, &wr, &res->stage1, &out->guest);
	if (res->stage1.ok)
		out->gpa = res->stage1.pa;
	if (res->ok)
		out->page_size = res->stage2.page_size < res->stage1.page_size ? res->stage2.page_size
									: res->stage1.page_size;
	out->references = res->references;
	out->nr_rows = res->nr_rows;
	for (unsigned i = 0; i < res->nr_rows; i++) {
		const struct nested_row *row = &res->rows[i];
		struct walk_request rr = { .root = stage2_host_root(h), .va = row->gpa,
					   .access = row->kind == NESTED_ROW_FINAL ? wr.access
						     : row->kind == NESTED_ROW_TABLE_WRITE ? ACCESS_WRITE : ACCESS_READ,
					   .priv = row->kind == NESTED_ROW_FINAL ? guest_mem_final_priv(&h->guest, wr.priv)
									   : h->guest.priv };

		out->rows[i].kind = (enum mmusim_row_kind)row->kind;
		out->rows[i].gpa = row->gpa;
		out->rows[i].guest_level = nested_row_guest_level(res, row, mach->cfg.pc.nr_levels);
		api_walk_to_public(&h->walker, &rr, &row->walk, &out->rows[i].walk);
	}
	if (res->fault == NESTED_FAULT_STAGE2_TABLE || res->fault == NESTED_FAULT_STAGE2_FINAL) {
		struct stage2_report rep = { 0 };

		out->fault_gpa = res->fault_gpa;
		nested_report(res, &h->guest, &wr, &rep, out->report_text, sizeof(out->report_text));
		out->report_code = rep.code;
		out->report_addr = rep.addr;
		out->report_extra = rep.extra;
		memcpy(out->report_code_name, rep.code_name, sizeof(rep.code_name));
		memcpy(out->report_addr_name, rep.addr_name, sizeof(rep.addr_name));
		memcpy(out->report_extra_name, rep.extra_name, sizeof(rep.extra_name));
	}
	combine(out);
	free(res);
	return MMUSIM_OK;
}

int api_translate_vm(mmusim_machine *m, const mmusim_request *req, mmusim_translation *out)
{
	mmusim_nested_translation *n = malloc(sizeof(*n));
	int rc;

	if (!n)
		return api_error(&m->last_error, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	if ((rc = mmusim_translate_nested(m, req, n)) == MMUSIM_OK)
		*out = n->combined;
	free(n);
	return rc;
}

int mmusim_mmu_nested_stats(const mmusim_mmu *mmu, mmusim_nested_stats *out)
{
	const struct machine *m = mmu->replay.m;
	const struct nested_stats *s = &mmu->replay.mmu.stats.nested;

	memset(out, 0, sizeof(*out));
	if (!m->host)
		return MMUSIM_EINVAL;
	_Static_assert(sizeof(out->reads) == sizeof(s->reads), "the grid is the same shape");
	out->guest_levels = m->cfg.pc.nr_levels;
	out->host_levels = m->host->cfg.pc.nr_levels;
	out->walks = s->walks;
	out->guest_reads = s->guest_reads;
	out->host_reads = s->host_reads;
	memcpy(out->reads, s->reads, sizeof(out->reads));
	out->guest_faults = s->guest_faults;
	out->host_faults = s->host_faults;
	out->host_demand_paged = s->host_demand_paged;
	out->vms = machine_nr_vms(m);
	if (m->host->guest.tlb) {
		const struct tlb_stats *t = tlb_stats(m->host->guest.tlb);
		out->has_tlb = true;
		out->tlb_hits = t->hits;
		out->tlb_misses = t->misses;
	}
	for (unsigned i = 0; i < m->host->guest.nr_pwc && i < MMUSIM_MAX_LEVELS; i++) {
		unsigned level = m->host->guest.pwc_levels[i];
		const struct tlb_stats *t = tlb_stats(m->host->guest.pwc[level]);
		out->pwc_level[out->nr_pwc] = level;
		out->pwc_hits[out->nr_pwc] = t->hits;
		out->pwc_misses[out->nr_pwc++] = t->misses;
	}
	return MMUSIM_OK;
}
