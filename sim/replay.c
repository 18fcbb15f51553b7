/* replay: the event loop of trace replay (see replay.h). */
#include "replay.h"
#include "sim/stage2_host.h"
#include "sim/pte_edit.h"
#include "sim/size_name.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/pt_arch.h"

/*
 * The interval CSV's column NAME_miss_rate: a TLB name may hold a comma, a
 * quote or a line break (names are free text), so the field is quoted when
 * it needs to be (RFC 4180), its quotes doubled.
 */
static void csv_put_miss_rate_column(FILE *out, const char *name)
{
	fputc(',', out);
	if (!strpbrk(name, ",\"\n\r")) {
		fprintf(out, "%s_miss_rate", name);
		return;
	}
	fputc('"', out);
	for (; *name; name++) {
		if (*name == '"')
			fputc('"', out);
		fputc(*name, out);
	}
	fputs("_miss_rate\"", out);
}

int replay_init(struct replay *r, struct machine *m, const struct replay_options *opt,
		const char *source, struct mm_error *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->m = m;
	r->opt = *opt;
	r->source = source;
	if ((rc = mmu_init(&r->mmu, m, err)))
		return rc;
	r->mmu.check_stale = opt->check_stale;
	r->next_row = opt->interval;
	r->warmup_at = r->warmup = opt->warmup;
	r->last_tlb = calloc(2 * CONFIG_MAX_TLBS, sizeof(*r->last_tlb));
	if (!r->last_tlb) {
		mmu_fini(&r->mmu);
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	}
	if (opt->os && opt->demand_page_size > m->cfg.pc.base_page_size) {
		char big[24], base[24];

		/* Refused, not quietly replayed with base pages: the user asked for large ones. */
		mm_error_set(err, MM_EINVAL, "--demand-paging=%s: the OS layer (--resident-pages, --replacement, os: in "
			     "the config) manages base pages (%s): use --demand-paging alone, or the OS layer without a "
			     "page size", size_name(opt->demand_page_size, big, sizeof(big)),
			     size_name(m->cfg.pc.base_page_size, base, sizeof(base)));
		replay_fini(r);
		return MM_EINVAL;
	}
	if (opt->os && (rc = os_create(m, &r->mmu, &opt->os_opt, &r->os, err))) {
		replay_fini(r);
		return rc;
	}
	r->os_columns = r->os != NULL;
	replay_look_after_accesses(r);
	if (opt->log_out)
		replay_log_set(r, replay_log_json, r);
	if (opt->interval && opt->interval_out) {
		fputs("accesses", opt->interval_out);
		for (unsigned i = 0; i < m->cfg.nr_tlb; i++)
			csv_put_miss_rate_column(opt->interval_out, m->cfg.tlb[i].name);
		fputs(",walks,faults", opt->interval_out);
		if (r->os_columns)
			fputs(",page_faults,major_faults,evictions,swap_ins,swap_outs,cow_copies,segfaults,resident",
			      opt->interval_out);
		/* Last, so that columns read by position before they came stay where they were. */
		fputs(",pte_reads,cycles\n", opt->interval_out);
	}
	return MM_OK;
}

void replay_fini(struct replay *r)
{
	os_destroy(r->os);
	r->os = NULL;
	demand_pages_fini(&r->demanded);
	mmu_fini(&r->mmu);
	free(r->last_tlb);
	r->last_tlb = NULL;
	walk_prefetch_memo_destroy(r->prefetch_memo);
	r->prefetch_memo = NULL;
}

void replay_tlb_totals(const struct replay *r, unsigned idx, bool pwc, struct tlb_stats *out)
{
	const struct machine_config *cfg = &r->m->cfg;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < r->mmu.nr_cpus; i++) {
		const struct mmu_cpu *c = r->mmu.cpus[i];
		const struct tlb *t;
		if (!c)
			continue;
		t = pwc ? c->pwc[cfg->pwc[idx].level] : c->tlb[idx];
		const struct tlb_stats *s = tlb_stats(t);
		out->hits += s->hits;
		out->misses += s->misses;
		out->evictions += s->evictions;
		out->prefetches += s->prefetches;
		out->prefetch_useful += s->prefetch_useful;
		out->prefetch_useless += s->prefetch_useless;
		for (unsigned k = 0; k < 64; k++)
			out->hits_by_shift[k] += s->hits_by_shift[k];
	}
}

static uint64_t total_accesses(const struct mmu_stats *s)
{
	return s->accesses[0] + s->accesses[1] + s->accesses[2];
}

static uint64_t total_faults(const struct mmu_stats *s)
{
	uint64_t n = 0;
	for (unsigned k = 0; k < FAULT_KIND_COUNT; k++)
		n += s->faults[k];
	return n;
}

/* One CSV row: the interval's miss rate per TLB, walks and faults, paging, PTE reads and cycles. */
static void write_row(struct replay *r)
{
	FILE *out = r->opt.interval_out;
	const struct mmu_stats *s = &r->mmu.stats;

	fprintf(out, "%" PRIu64, total_accesses(s));
	for (unsigned i = 0; i < r->m->cfg.nr_tlb; i++) {
		struct tlb_stats t;
		replay_tlb_totals(r, i, false, &t);
		uint64_t lookups = t.hits + t.misses - r->last_tlb[2 * i];
		uint64_t misses = t.misses - r->last_tlb[2 * i + 1];
		fprintf(out, ",%.6f", lookups ? (double)misses / (double)lookups : 0.0);
		r->last_tlb[2 * i] = t.hits + t.misses;
		r->last_tlb[2 * i + 1] = t.misses;
	}
	fprintf(out, ",%" PRIu64 ",%" PRIu64, s->walks - r->last_row.walks,
		total_faults(s) - total_faults(&r->last_row));
	if (r->os_columns) {
		const struct paging_stats *p = os_stats(r->os), *l = &r->last_paging;
		fprintf(out, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
			p->page_faults - l->page_faults, p->major_faults - l->major_faults,
			p->evictions - l->evictions, p->swap_ins - l->swap_ins, p->swap_outs - l->swap_outs,
			p->cow_copies - l->cow_copies, p->segfaults - l->segfaults);
		/* The resident set at the row's end: the timeline's level, not a count per interval. */
		fprintf(out, ",%" PRIu64, os_resident_pages(r->os));
		r->last_paging = *p;
	}
	fprintf(out, ",%" PRIu64 ",%" PRIu64 "\n", s->pte_reads - r->last_row.pte_reads, s->cycles - r->last_row.cycles);
	r->last_row = *s;
}

void replay_finish(struct replay *r)
{
	if (r->opt.interval && r->opt.interval_out &&
	    total_accesses(&r->mmu.stats) > total_accesses(&r->last_row))
		write_row(r);
}

/*
 * The properties of a demand-mapped page.  Demand paging stands for an OS
 * whose mapping lets the program touch the region every way (a private
 * anonymous + text region mapped rwx), so the page is r, w, x and user for
 * every access kind: the hardware never refuses a user access to it, while a
 * supervisor access meets the user-page rules (SMAP / SMEP, SUM) as it would
 * under a real OS.  A is set, as an OS's page protections have it (the access
 * that faulted touches the page).  D is left to the hardware where it sets
 * it (x86, Svadu, Arm with HD: the first write sets D, seen as a dirty
 * re-walk); where it does not (Svade faults, Arm without HD keeps the page
 * read-only), the OS maps the page dirty, as Linux maps a writable anonymous
 * page.
 */
static struct page_prop demand_prop(const struct machine *m)
{
	uint32_t flags = PROP_R | PROP_W | PROP_X | PROP_U | PROP_A;

	if (!pt_arch_hw_sets_dirty(m->cfg.arch, &m->cfg.cpu))
		flags |= PROP_D;
	return (struct page_prop){ flags, CACHE_WB };
}

/* A not-present fault on a user VA: map a fresh frame there, as an OS would. */
static int demand_page(struct replay *r, uint64_t va, const struct mmu_result *res, uint64_t line,
		       struct mm_error *err)
{
	struct machine *m = r->m;
	struct mmu_cpu *c = r->mmu.cur;
	const struct paging_consts *pc = &m->cfg.pc;
	uint64_t size = pc->base_page_size, pa;
	struct page_prop prop = demand_prop(m);
	int rc;

	if (!m->pm)
		return mm_error_set(err, MM_EINVAL, "%s:%" PRIu64 ": demand paging needs simulated memory, not an image",
				    r->source, line);
	/*
	 * The largest page up to the size asked for whose whole region the fault
	 * shows unmapped (a fault at level L: nothing below that entry): at 1G,
	 * a 1G region partly mapped still gets 2M pages where their regions are
	 * free, as an OS falls back from one huge-page size to the next.
	 */
	if (r->opt.demand_page_size > size) {
		for (unsigned level = 2; level <= pc->highest_translation_level; level++)
			if (pc_page_size(pc, level) <= r->opt.demand_page_size && res->fault.level >= level)
				size = pc_page_size(pc, level);
	}
	/*
	 * A huge frame is a free aligned run of memory; when none is left, the
	 * next smaller size, down to the base page, as Linux falls back from a
	 * transparent huge page (the replay stopped at "out of physical memory"
	 * with most of memory free, or at a size larger than all of memory).
	 */
	while ((rc = physmem_alloc_data(m->pm, size, size, &pa, err)) == MM_ENOMEM && size > pc->base_page_size) {
		uint64_t smaller = pc->base_page_size;
		for (unsigned level = 2; level <= pc->highest_translation_level; level++)
			if (pc_page_size(pc, level) < size)
				smaller = pc_page_size(pc, level);
		size = smaller;
	}
	va &= ~(size - 1);
	if (rc || (rc = pt_map(c->pt, va, pa, size, &prop, err))) {
		mm_error_prefix(err, "%s:%" PRIu64 ": demand paging 0x%" PRIx64, r->source, line, va);
		return rc;
	}
	if (!r->os && !demand_pages_note(&r->demanded, c->vmid, c->asid, va, pa, size))
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	r->mmu.stats.demand_paged++;
	return MM_OK;
}

/*
 * A VM whose guest RAM the host backs on first touch (back_guest_memory:
 * false): while the access faults at stage 2 on guest RAM, not present, the
 * host maps the GPA and the access walks again (a walk may meet several:
 * guest tables, then the final GPA).  Each fill is a host fault, counted
 * apart from the guest's.
 */
static int host_fills(struct replay *r, uint64_t va, enum access_kind access, struct mmu_result *res,
		      uint64_t line, struct mm_error *err)
{
	struct stage2_host *h = r->m->host;

	for (unsigned tries = 0; h && r->opt.demand_page_size && !res->ok && mmu_fault_is_stage2(res) &&
				 res->fault.kind == FAULT_NOT_PRESENT && tries <= 2 * PT_MAX_LEVELS; tries++) {
		int rc = stage2_host_fill(h, res->fault_gpa, err);

		if (rc == MM_ERANGE)
			return MM_OK; /* outside guest RAM: the guest sees the fault */
		if (rc) {
			mm_error_prefix(err, "%s:%" PRIu64 ": host demand paging GPA 0x%" PRIx64, r->source, line,
					res->fault_gpa);
			return rc;
		}
		r->mmu.stats.nested.host_faults++;
		r->mmu.stats.nested.host_demand_paged++;
		mmu_refill(&r->mmu, va, access, res);
	}
	return MM_OK;
}

void replay_stats_reset(struct replay *r)
{
	/*
	 * A pending warm-up counts accesses, not totals: a `stats reset` line in
	 * it must not restart it (its end was then N accesses after the line).
	 */
	if (r->warmup_at) {
		uint64_t done = total_accesses(&r->mmu.stats);
		r->warmup_at = r->warmup_at > done ? r->warmup_at - done : 0;
	}
	mmu_stats_reset(&r->mmu);
	if (r->os)
		os_stats_reset(r->os);
	memset(&r->last_paging, 0, sizeof(r->last_paging));
	/* The interval series starts again: its next row covers the first `interval` accesses after the reset. */
	r->next_row = r->opt.interval;
	memset(&r->last_row, 0, sizeof(r->last_row));
	memset(r->last_tlb, 0, 2 * CONFIG_MAX_TLBS * sizeof(*r->last_tlb));
	r->window_accesses = r->window_walks = 0;
	replay_log_stats_reset(&r->log);
}

void replay_look_after_accesses(struct replay *r)
{
	/*
	 * CSV rows, a pending warm-up, a policy that sees every reference (lru,
	 * opt: TLB hits included), data accesses through the data caches, the
	 * per-translation log: each only when asked for, off the hit path.
	 */
	r->after_every_access = r->opt.interval || r->warmup_at || (r->os && os_tracks_use(r->os)) ||
				mmu_caches_data(&r->mmu) || r->log.fn;
}

void replay_set_warmup(struct replay *r, uint64_t accesses)
{
	r->warmup = accesses;
	uint64_t done = total_accesses(&r->mmu.stats);
	/* Saturated: a warm-up of 2^64 - 1 accesses never ends, it does not wrap into an early one. */
	r->warmup_at = !accesses ? 0 : accesses > UINT64_MAX - done ? UINT64_MAX : done + accesses;
	replay_look_after_accesses(r);
}

void replay_warmup_state(const struct replay *r, uint64_t *requested, uint64_t *left)
{
	*requested = r->warmup;
	uint64_t done = total_accesses(&r->mmu.stats);
	*left = r->warmup_at > done ? r->warmup_at - done : 0;
}

const struct paging_stats *replay_paging_stats(const struct replay *r)
{
	return r->os ? os_stats(r->os) : NULL;
}

bool replay_needs_future(const struct replay *r)
{
	return r->os && os_needs_future(r->os);
}

int replay_future(struct replay *r, const struct trace_event *ev, size_t n, bool end, struct mm_error *err)
{
	if (!replay_needs_future(r))
		return MM_OK;
	int rc = MM_OK;
	size_t from = 0;

	/* A thread's events run on the CPU --threads-to-cpus gives it: the future follows it there. */
	for (size_t i = 0; i < n && !rc; i++)
		if (ev[i].op == TRACE_THREAD) {
			rc = os_future_add(r->os, ev + from, i - from, err);
			os_future_cpu(r->os, thread_map_cpu(&r->opt.threads, ev[i].n));
			from = i + 1;
		}
	if (!rc && n > from)
		rc = os_future_add(r->os, ev + from, n - from, err);
	return rc || !end ? rc : os_future_end(r->os, err);
}

/* A write the PTE refused: the OS's copy-on-write fault when *cow comes back true. */
static int cow_fault(struct replay *r, uint64_t va, uint64_t line, bool *cow, struct mm_error *err)
{
	int rc = os_write_fault(r->os, r->mmu.cur->asid, va, cow, err);

	if (rc)
		mm_error_prefix(err, "%s:%" PRIu64 ": copy-on-write fault at 0x%" PRIx64, r->source, line, va);
	return rc;
}

/* The OS changed the page: the access walks again (counted once) and fills the caches. */
static int os_retry(struct replay *r, uint64_t va, enum access_kind access, struct mmu_result *res, uint64_t line,
		    struct mm_error *err)
{
	mmu_refill(&r->mmu, va, access, res);
	return host_fills(r, va, access, res, line, err);
}

/*
 * A not-present fault on a user VA with the OS layer on: the OS maps the page
 * (the access walks again, counted once) or calls it a segmentation fault
 * (the fault stands, counted).
 */
static int os_fault(struct replay *r, uint64_t va, enum access_kind access, struct mmu_result *res, uint64_t line,
		    struct mm_error *err)
{
	enum os_verdict verdict = OS_SEGV;
	bool cow = false;
	int rc;

	if (res->fault.kind == FAULT_PERMISSION) {
		/* A write to a page fork made read-only is the OS's (copy-on-write), not a permission fault. */
		if ((rc = cow_fault(r, va, line, &cow, err)))
			return rc;
		if (cow)
			verdict = OS_RETRY;
	} else if ((rc = os_page_fault(r->os, r->mmu.cur->asid, va, &verdict, err))) {
		mm_error_prefix(err, "%s:%" PRIu64 ": page fault at 0x%" PRIx64, r->source, line, va);
		return rc;
	}
	if (verdict == OS_RETRY) {
		if ((rc = os_retry(r, va, access, res, line, err)))
			return rc;
		/*
		 * A write that brought back a page other address spaces still name in
		 * swap: it came back copy-on-write, and the write is now a COW fault
		 * (Linux's do_swap_page hands a write on to do_wp_page).
		 */
		if (!res->ok && res->fault.kind == FAULT_PERMISSION && access == ACCESS_WRITE && !cow &&
		    ((rc = cow_fault(r, va, line, &cow, err)) || (cow && (rc = os_retry(r, va, access, res, line, err)))))
			return rc;
	}
	if (!res->ok)
		r->mmu.stats.faults[res->fault.kind]++;
	return MM_OK;
}

/*
 * What follows a translation that faulted, or any translation while CSV rows
 * are on or a warm-up is pending.  Out of line: the common access is a plain
 * success and should cost only the call into the MMU.
 */
static __attribute__((noinline)) int access_after(struct replay *r, uint64_t va, enum access_kind access,
						 struct mmu_result *res, const struct trace_event *ev,
						 struct mm_error *err)
{
	uint64_t line = ev ? ev->line : 0;
	const bool mmu_ok = res->ok;
	int rc;

	/* A VA wider than the CPU's addresses (a 64-bit program's trace on x86_32 or Sv32) is no fault of this machine. */
	if (!res->ok && res->fault.kind == FAULT_NON_CANONICAL && pt_arch_check_va_fits(r->m->cfg.arch, va, err)) {
		if (ev)
			mm_error_prefix(err, "%s:%" PRIu64, r->source, line);
		return MM_ERANGE;
	}
	if (r->os && !res->ok && (res->fault.kind == FAULT_NOT_PRESENT ||
				  (res->fault.kind == FAULT_PERMISSION && access == ACCESS_WRITE)) &&
	    !mmu_fault_is_stage2(res) && pt_owns_va(r->mmu.cur->pt, va)) {
		if ((rc = os_fault(r, va, access, res, line, err)))
			return rc;
	} else if (!res->ok && r->opt.demand_page_size && res->fault.kind == FAULT_NOT_PRESENT &&
	    !mmu_fault_is_stage2(res) && pt_owns_va(r->mmu.cur->pt, va)) {
		/* Counted once: as this access and a minor fault, not as a failure. */
		if ((rc = demand_page(r, va, res, line, err)))
			return rc;
		mmu_refill(&r->mmu, va, access, res);
		if ((rc = host_fills(r, va, access, res, line, err)))
			return rc;
		/* The page is a user page: a supervisor access may still be refused (SMAP, SUM). */
		if (!res->ok)
			r->mmu.stats.faults[res->fault.kind]++;
	} else if (!res->ok && (rc = host_fills(r, va, access, res, line, err))) {
		return rc;
	} else if (!res->ok) {
		r->mmu.stats.faults[res->fault.kind]++;
	}
	if (r->log.fn)
		replay_log_access(r, va, access, res, mmu_ok);
	if (r->os && os_tracks_use(r->os))
		os_note_access(r->os, r->mmu.cur->asid, va);
	/* Loads and stores only: instruction fetches would go to an L1I, which is not modelled. */
	if (res->ok && access != ACCESS_EXEC && mmu_caches_data(&r->mmu))
		mmu_data_access(&r->mmu, res->pa);
	if (r->opt.interval && total_accesses(&r->mmu.stats) >= r->next_row) {
		if (r->opt.interval_out)
			write_row(r);
		r->next_row += r->opt.interval;
	}
	/* The warm-up ends with its last access counted: the next access is the first one reported. */
	if (r->warmup_at && total_accesses(&r->mmu.stats) >= r->warmup_at) {
		r->warmup_at = 0; /* ended: r->warmup stays, for the report */
		replay_look_after_accesses(r);
		replay_stats_reset(r);
	}
	return MM_OK;
}

/* ev (NULL for a direct translation) only names the line in messages: read off the hot path. */
static inline __attribute__((always_inline)) int do_access(struct replay *r, uint64_t va, enum access_kind access,
							    const struct trace_event *ev, struct mmu_result *res,
							    struct mm_error *err)
{
	va = mmu_va(&r->mmu, va); /* a tagged pointer is its untagged VA's page (Arm TBI) */
	mmu_translate(&r->mmu, va, access, res);
	if (__builtin_expect(res->ok && !r->after_every_access, 1))
		return MM_OK;
	return access_after(r, va, access, res, ev, err);
}

int replay_translate(struct replay *r, uint64_t va, enum access_kind access, struct mmu_result *out,
		     struct mm_error *err)
{
	return do_access(r, va, access, NULL, out, err);
}

/*
 * gflush [gpa GPA | all]: the hypervisor's fence after it changed stage 2
 * (RISC-V HFENCE.GVMA, Intel INVEPT, Arm TLBI IPAS2E1 + VMALLS12E1): the
 * nested TLB's entries of the running VM for that GPA's page (or all of
 * them), and every combined entry of that VM on every CPU, since none can be
 * found by GPA; `all` does so for every VM.  Counted as one shootdown per
 * other CPU.
 */
static void stage2_fence(struct replay *r, enum gflush_scope scope, uint64_t gpa)
{
	stage2_host_flush_caches(r->m->host, scope == GFLUSH_GPA, gpa, scope == GFLUSH_ALL_VMS);
	mmu_flush_vm(&r->mmu, r->m->vmid, scope == GFLUSH_ALL_VMS);
}

/*
 * gmap, gunmap, gprotect: the host edits the running VM's stage-2 table.
 * Every combined (guest VA -> host PA) entry built on the GPAs may be stale
 * and no cache knows which guest VAs they were: with auto flush, that VM's
 * entries go from every CPU's TLBs and PWCs, as HFENCE.GVMA, INVEPT
 * single-context or TLBI VMALLS12E1 would drop them (one shootdown per other
 * CPU).
 */
static __attribute__((noinline, cold)) int do_stage2_edit(struct replay *r, const struct trace_event *ev,
							  struct mm_error *err)
{
	struct stage2_host *h = r->m->host;
	int rc;

	if (!h && ev->op == TRACE_GFLUSH)
		rc = mm_error_set(err, MM_EINVAL, "gflush fences a virtual machine's stage 2, and config %s has no stage2: block",
				  r->m->cfg.name);
	else if (!h)
		rc = mm_error_set(err, MM_EINVAL, "%s edits a virtual machine's stage-2 table, and config %s has no stage2: block",
				  ev->op == TRACE_GMAP ? "gmap" : ev->op == TRACE_GUNMAP ? "gunmap" : "gprotect",
				  r->m->cfg.name);
	else if (ev->op == TRACE_GFLUSH) {
		stage2_fence(r, (enum gflush_scope)ev->n, ev->va);
		return MM_OK;
	} else
		rc = ev->op == TRACE_GMAP   ? stage2_host_map(h, ev->va, ev->pa, ev->len, &ev->prop, err)
		   : ev->op == TRACE_GUNMAP ? stage2_host_unmap(h, ev->va, ev->len, err)
					    : stage2_host_protect(h, ev->va, ev->len, &ev->prop, err);
	if (rc) {
		mm_error_prefix(err, "%s:%" PRIu64, r->source, ev->line);
		return rc;
	}
	if (!r->opt.no_auto_flush)
		stage2_fence(r, GFLUSH_VM, 0);
	return MM_OK;
}

/* Out of line and cold: edits are rare beside accesses. */
static __attribute__((noinline, cold)) int do_edit(struct replay *r, const struct trace_event *ev,
						   struct mm_error *err)
{
	struct machine *m = r->m;
	struct mmu_cpu *c = r->mmu.cur;
	struct page_table *pt = NULL;
	int rc;

	/* Tables may be freed or moved: the prefetch memo's slots may no longer lead anywhere. */
	walk_prefetch_memo_clear(r->prefetch_memo);
	mmu_run_cpu_vm(&r->mmu);
	if (trace_op_is_stage2(ev->op))
		return do_stage2_edit(r, ev, err);
	if (!m->pm)
		rc = mm_error_set(err, MM_EINVAL, "an image's page tables are read-only: %s needs simulated memory",
				  ev->op == TRACE_MAP ? "map" : ev->op == TRACE_UNMAP ? "unmap" : "protect");
	else if ((rc = machine_route(m, c->pt, ev->va, &pt, err)) == MM_OK) {
		/* Pages placed or removed by hand are no longer the OS's to manage. */
		if (r->os && pt == c->pt && ev->op != TRACE_PROTECT)
			os_forget_range(r->os, c->asid, ev->va, ev->len);
		rc = ev->op == TRACE_MAP && ev->size ? pte_edit_map(m, pt, ev, err)
		   : ev->op == TRACE_MAP   ? pt_map(pt, ev->va, ev->pa, ev->len, &ev->prop, err)
		   : ev->op == TRACE_UNMAP ? pt_unmap(pt, ev->va, ev->len, err)
					   : pt_protect(pt, ev->va, ev->len, &ev->prop, err);
	}
	if (rc) {
		mm_error_prefix(err, "%s:%" PRIu64, r->source, ev->line);
		return rc;
	}
	if (!r->opt.no_auto_flush)
		mmu_shootdown(&r->mmu, ev->va, ev->len, pt == m->kernel, c->asid);
	return MM_OK;
}

/* poke, set-pte, pte: memory written behind the TLBs' backs, so nothing is shot down (pte_edit.h). */
static __attribute__((noinline, cold)) int do_authoring(struct replay *r, const struct trace_event *ev,
							struct mm_error *err)
{
	int rc;

	walk_prefetch_memo_clear(r->prefetch_memo);
	mmu_run_cpu_vm(&r->mmu);
	if ((rc = pte_edit(r->m, r->mmu.cur->pt, ev, err)))
		mm_error_prefix(err, "%s:%" PRIu64, r->source, ev->line);
	return rc;
}

/*
 * The OS layer came in at event ev: it takes over the pages demand paging
 * mapped before (those still mapped as it mapped them), so that fork shares
 * them and exit and munmap free them.  It manages base pages: a large page
 * would be half its, and is refused.
 */
static int adopt_demand_pages(struct replay *r, const struct trace_event *ev, struct mm_error *err)
{
	const uint64_t page = r->m->cfg.pc.base_page_size;
	const char *op = ev->op == TRACE_MMAP ? "mmap" : ev->op == TRACE_MUNMAP ? "munmap"
		       : ev->op == TRACE_FORK ? "fork" : "exit";
	char big[24], base[24];
	const struct mmu_cpu *c = r->mmu.cur;
	int rc = MM_OK;

	for (size_t i = 0; i < r->demanded.nr && rc == MM_OK; i++) {
		const struct demand_run *run = &r->demanded.runs[i];
		struct page_table *pt;
		struct pt_mapping mp;
		if (run->vmid != c->vmid || machine_space(r->m, run->asid, &pt, NULL))
			continue;
		if (run->page_size != page) {
			if (pt_query(pt, run->va, &mp) && mp.size == run->page_size && mp.pa == run->pa)
				rc = mm_error_set(err, MM_EINVAL, "%s: --demand-paging=%s mapped a %s page at 0x%" PRIx64
						  " (asid %u) before this line brought in the OS layer, which manages "
						  "base pages (%s): replay with --demand-paging, or with --resident-pages "
						  "from the start", op, size_name(run->page_size, big, sizeof(big)), big, run->va,
						  run->asid, size_name(page, base, sizeof(base)));
			continue;
		}
		for (uint64_t off = 0; off < run->len && rc == MM_OK; off += page)
			if (pt_query(pt, run->va + off, &mp) && mp.size == page && mp.pa == run->pa + off)
				rc = os_adopt(r->os, run->asid, run->va + off, run->pa + off, err);
	}
	demand_pages_fini(&r->demanded);
	return rc;
}

/*
 * mmap / munmap: the OS layer's regions, in the current CPU's address space;
 * fork / exit: its processes.  The first one brings the OS layer in (no
 * limit, fifo) if no option did.
 */
static __attribute__((noinline, cold)) int do_os_event(struct replay *r, const struct trace_event *ev,
						       struct mm_error *err)
{
	struct mmu_cpu *c = r->mmu.cur;
	int rc = MM_OK;

	walk_prefetch_memo_clear(r->prefetch_memo);
	mmu_run_cpu_vm(&r->mmu);
	if (!r->os && (rc = os_create(r->m, &r->mmu, &r->opt.os_opt, &r->os, err)) == MM_OK)
		rc = adopt_demand_pages(r, ev, err);
	if (rc == MM_OK)
		rc = ev->op == TRACE_MMAP   ? os_mmap(r->os, c->asid, ev->va, ev->len, &ev->prop, ev->n != 0, err)
		   : ev->op == TRACE_MUNMAP ? os_munmap(r->os, c->asid, ev->va, ev->len, err)
		   : ev->op == TRACE_FORK   ? os_fork(r->os, c->asid, (uint16_t)ev->n, !r->opt.no_auto_flush, err)
					    : os_exit(r->os, (uint16_t)ev->n, err);
	if (rc)
		mm_error_prefix(err, "%s:%" PRIu64, r->source, ev->line);
	return rc;
}

/*
 * Prefetching the PTEs of access i + PREFETCH_DISTANCE while access i is
 * replayed lets the host overlap the cache misses of independent walks, the
 * main cost of a walk over a large table.  It costs a partial walk per access,
 * so it is on only while more than 1 in PREFETCH_MIN_WALK_RATIO accesses
 * walked during the last PREFETCH_WINDOW accesses.
 */
enum { PREFETCH_DISTANCE = 8, PREFETCH_WINDOW = 4096, PREFETCH_MIN_WALK_RATIO = 16 };

static void prefetch_policy(struct replay *r)
{
	uint64_t accesses = total_accesses(&r->mmu.stats), walks = r->mmu.stats.walks;

	if (accesses - r->window_accesses < PREFETCH_WINDOW)
		return;
	r->prefetch = (walks - r->window_walks) * PREFETCH_MIN_WALK_RATIO > accesses - r->window_accesses;
	/* The memo (128 KiB) only for replays that prefetch; without host memory, none. */
	if (r->prefetch && !r->prefetch_memo)
		r->prefetch_memo = walk_prefetch_memo_create();
	r->window_accesses = accesses;
	r->window_walks = walks;
}

/*
 * An access that spans base pages: one translation per page it touches, past
 * the top of the VA space at VA 0 (access_next_page).  An access that starts
 * past the top (a 32-bit CPU given a wider VA) is refused by its first
 * translation.
 */
static __attribute__((noinline)) int access_pages(struct replay *r, const struct trace_event *e, uint64_t page,
						  struct mmu_result *res, struct mm_error *err)
{
	const uint64_t last_va = va_space_last(r->m->cfg.arch->address_bits);
	uint64_t va = e->va, left = access_bytes(e);
	int rc;

	do {
		if ((rc = do_access(r, va, (enum access_kind)e->access, e, res, err)))
			return rc;
	} while (access_next_page(&va, &left, page, last_va));
	return MM_OK;
}

int replay_events(struct replay *r, const struct trace_event *ev, size_t n, struct mm_error *err)
{
	const uint64_t page = r->m->cfg.pc.base_page_size;
	int rc;

	for (size_t i = 0; i < n; i++) {
		const struct trace_event *e = &ev[i];

		if ((i & (PREFETCH_WINDOW - 1)) == 0)
			prefetch_policy(r);
		if (r->prefetch && i + PREFETCH_DISTANCE < n && ev[i + PREFETCH_DISTANCE].op == TRACE_ACCESS)
			mmu_prefetch(&r->mmu, ev[i + PREFETCH_DISTANCE].va, r->prefetch_memo);

		switch ((enum trace_op)e->op) {
		case TRACE_ACCESS: {
			struct mmu_result res;
			uint64_t last = e->va + (e->size ? e->size - 1u : 0u);
			if (((e->va ^ last) & ~(page - 1)) == 0 && last >= e->va) {
				if ((rc = do_access(r, e->va, (enum access_kind)e->access, e, &res, err)))
					return rc;
				break;
			}
			if ((rc = access_pages(r, e, page, &res, err)))
				return rc;
			break;
		}
		case TRACE_MAP:
		case TRACE_UNMAP:
		case TRACE_PROTECT:
		case TRACE_GMAP:
		case TRACE_GUNMAP:
		case TRACE_GPROTECT:
		case TRACE_GFLUSH:
			if ((rc = do_edit(r, e, err)))
				return rc;
			break;
		case TRACE_MMAP:
		case TRACE_MUNMAP:
		case TRACE_FORK:
		case TRACE_EXIT:
			if ((rc = do_os_event(r, e, err)))
				return rc;
			break;
		case TRACE_ASID:
			if ((rc = mmu_switch_asid(&r->mmu, (uint16_t)e->n, err))) {
				mm_error_prefix(err, "%s:%" PRIu64, r->source, e->line);
				return rc;
			}
			break;
		case TRACE_VM:
			/* The OS layer keeps one guest's pages and frames: a second VM would mix two guests'. */
			if (r->os && e->n != r->mmu.cur->vmid)
				return mm_error_set(err, MM_EINVAL,
						    "%s:%" PRIu64 ": vm %u: the OS layer (--resident-pages, --replacement, mmap) "
						    "models one guest OS; replay a trace that switches VMs without it",
						    r->source, e->line, e->n);
			if ((rc = mmu_switch_vm(&r->mmu, e->n, err))) {
				mm_error_prefix(err, "%s:%" PRIu64, r->source, e->line);
				return rc;
			}
			break;
		case TRACE_PRIV:
			mmu_set_priv(&r->mmu, (enum privilege)e->n);
			break;
		case TRACE_CPU:
			if ((rc = mmu_select_cpu(&r->mmu, e->n, err))) {
				mm_error_prefix(err, "%s:%" PRIu64, r->source, e->line);
				return rc;
			}
			break;
		case TRACE_THREAD:
			if ((rc = mmu_select_cpu(&r->mmu, thread_map_cpu(&r->opt.threads, e->n), err))) {
				mm_error_prefix(err, "%s:%" PRIu64 ": thread %u", r->source, e->line, e->n);
				return rc;
			}
			break;
		case TRACE_FLUSH:
			mmu_flush(&r->mmu, e->scope, e->va, (uint16_t)e->n);
			break;
		case TRACE_STATS_RESET:
			replay_stats_reset(r);
			break;
		case TRACE_POKE:
		case TRACE_SET_PTE:
		case TRACE_PTE_FIELD:
			if ((rc = do_authoring(r, e, err)))
				return rc;
			break;
		default:
			return mm_error_set(err, MM_EINVAL, "%s:%" PRIu64 ": unknown event %u", r->source,
					    e->line, e->op);
		}
	}
	return MM_OK;
}
