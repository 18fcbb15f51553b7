/*
 * mmu: the public face of sim/mmu and sim/replay — the TLB model in front of
 * the walk, trace replay, and the statistics both count.
 *
 * The handle wraps a replay engine rather than a bare MMU so that single
 * events, whole traces and direct translations share one set of caches and
 * counters, with demand paging and shootdowns done the way `mmusim replay` does.
 */
#include "api.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/mmu.h"
#include "sim/sweep.h"
#include "sim/tlb.h"
#include "formats/trace.h"

/* Events per batch when replaying a trace. */
#define REPLAY_BATCH 4096

int mmusim_mmu_create(mmusim_machine *m, const mmusim_mmu_options *opt, mmusim_mmu **out,
		      mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct replay_options ro = { 0 };
	struct mmusim_mmu *mmu;

	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, m);
	mmu = calloc(1, sizeof(*mmu));
	if (!mmu)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	if (opt) {
		uint64_t size = opt->demand_page_size;
		const struct paging_consts *pc = &m->m->cfg.pc;
		bool is_leaf_size = false;
		for (unsigned level = 1; level <= pc->highest_translation_level; level++)
			is_leaf_size |= size == pc_page_size(pc, level);
		if (size && !is_leaf_size) {
			free(mmu);
			return api_error(err, &(struct mm_error){
						      MM_EINVAL, "demand page size is not a page size of this machine" });
		}
		ro.demand_page_size = size;
		ro.no_auto_flush = opt->no_auto_flush;
		ro.check_stale = opt->check_stale;
		ro.interval = opt->interval;
		ro.interval_out = opt->interval_csv;
	}
	/* The config's os: block gives the defaults; an option given wins. */
	const struct os_config *dflt = &m->m->cfg.os;
	ro.os_opt = (struct os_options){
		.resident_pages = opt && opt->resident_pages ? opt->resident_pages : dflt->resident_pages,
		.replacement = opt && opt->replacement ? opt->replacement : dflt->replacement,
		.seed = opt && opt->seed ? opt->seed : dflt->seed,
		.no_clock_flush = opt && opt->clock_flush ? false : (opt && opt->no_clock_flush) || dflt->no_clock_flush,
	};
	ro.os = ro.os_opt.resident_pages || ro.os_opt.replacement;
	mmu->owner = m;
	if (replay_init(&mmu->replay, m->m, &ro, "event", &e)) {
		free(mmu);
		return api_error(err, &e);
	}
	*out = mmu;
	return MMUSIM_OK;
}

void mmusim_mmu_destroy(mmusim_mmu *mmu)
{
	if (!mmu)
		return;
	replay_fini(&mmu->replay);
	free(mmu->thread_cpus);
	free(mmu);
}

_Static_assert(MMUSIM_MAX_CPUS == MMU_MAX_CPUS, "the public CPU bound is the MMU's");

int mmusim_mmu_set_threads_to_cpus(mmusim_mmu *mmu, unsigned round_robin, const uint16_t *cpu_of, size_t nr,
				   mmusim_error *err)
{
	uint16_t *table = NULL;

	if (nr)
		API_REFUSE_NULL(err, cpu_of);
	if (nr > (size_t)TRACE_THREAD_MAX + 1)
		nr = (size_t)TRACE_THREAD_MAX + 1; /* no thread id is higher */
	if (nr && !(table = malloc(nr * sizeof(*table))))
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	if (nr)
		memcpy(table, cpu_of, nr * sizeof(*table));
	free(mmu->thread_cpus);
	mmu->thread_cpus = table;
	mmu->replay.opt.threads = (struct thread_map){ .round_robin = round_robin, .cpu_of = table, .nr = nr };
	return MMUSIM_OK;
}

void mmusim_mmu_finish(mmusim_mmu *mmu)
{
	replay_finish(&mmu->replay);
}

int mmusim_mmu_translate(mmusim_mmu *mmu, uint64_t va, enum mmusim_access access, mmusim_mmu_result *out)
{
	struct mm_error e = { 0 };
	struct mmu_result res;

	if (!out)
		return api_null_argument(&mmu->last_error, __func__, "out");
	*out = (mmusim_mmu_result){ .ok = false };
	/* The path of an access event: demand paging and fault counting happen in one place. */
	if (api_check_access(access, &e) || replay_translate(&mmu->replay, va, (enum access_kind)access, &res, &e))
		return api_error(&mmu->last_error, &e);
	*out = (mmusim_mmu_result){ .ok = res.ok, .pa = res.pa, .page_size = res.ok ? mmu_result_page_size(&res) : 0 };
	if (!res.ok) {
		out->fault_kind = (enum mmusim_fault_kind)res.fault.kind;
		out->fault_level = res.fault.level;
		out->fault_code = res.fault.code;
	}
	return MMUSIM_OK;
}

int mmusim_mmu_event(mmusim_mmu *mmu, const mmusim_event *ev, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct trace_event te;

	API_REFUSE_NULL(err, ev);
	if (api_check_event(ev, &e)) {
		mm_error_prefix(&e, "event:%" PRIu64, ev->line);
		return api_error(err, &e);
	}
	api_event_from_public(ev, &te);
	mmu->replay.source = "event";
	if (replay_events(&mmu->replay, &te, 1, &e))
		return api_error(err, &e);
	return MMUSIM_OK;
}

int mmusim_mmu_replay(mmusim_mmu *mmu, mmusim_trace *t, mmusim_error *err)
{
	return mmusim_mmu_replay_progress(mmu, t, NULL, NULL, err);
}

int mmusim_mmu_replay_progress(mmusim_mmu *mmu, mmusim_trace *t,
			       void (*progress)(void *arg, uint64_t offset, uint64_t size), void *arg,
			       mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct trace_reader *rd;
	struct trace_event *batch;
	long n;
	int rc = MMUSIM_OK;

	API_REFUSE_NULL(err, t);
	rd = api_trace_reader(t);
	batch = malloc(REPLAY_BATCH * sizeof(*batch));
	if (!batch)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	mmu->replay.source = api_trace_path(t);
	while ((n = trace_reader_next(rd, batch, REPLAY_BATCH, &e)) > 0) {
		if ((rc = replay_events(&mmu->replay, batch, (size_t)n, &e)))
			break;
		if (progress)
			progress(arg, trace_reader_offset(rd), trace_reader_size(rd));
	}
	if (n == EVENT_SOURCE_FAILED)
		rc = e.code ? e.code : MM_EINVAL;
	mmu->replay.source = "event";
	free(batch);
	return rc ? api_error(err, &e) : MMUSIM_OK;
}

enum mmusim_os_page mmusim_mmu_os_page(const mmusim_mmu *mmu, uint64_t va, uint64_t *swap_slot)
{
	uint64_t slot = 0;
	enum os_page_view v = mmu->replay.os ? os_page_view(mmu->replay.os, mmu->replay.mmu.cur->asid, va, &slot)
					     : OS_VIEW_UNKNOWN;

	if (swap_slot)
		*swap_slot = slot;
	return v == OS_VIEW_RESIDENT ? MMUSIM_OS_PAGE_RESIDENT
	     : v == OS_VIEW_COW	     ? MMUSIM_OS_PAGE_COW
	     : v == OS_VIEW_SWAPPED  ? MMUSIM_OS_PAGE_SWAPPED
				     : MMUSIM_OS_PAGE_NONE;
}

int mmusim_mmu_for_each_swapped_page(const mmusim_mmu *mmu, int (*fn)(void *arg, uint64_t va, uint64_t swap_slot),
				     void *arg)
{
	if (!fn)
		return MMUSIM_EINVAL;
	return mmu->replay.os ? os_for_each_swapped(mmu->replay.os, mmu->replay.mmu.cur->asid, fn, arg) : 0;
}

bool mmusim_mmu_paging_stats(const mmusim_mmu *mmu, mmusim_paging_stats *out)
{
	const struct paging_stats *s = replay_paging_stats(&mmu->replay);

	*out = (mmusim_paging_stats){ 0 };
	if (!s)
		return false;
	*out = (mmusim_paging_stats){
		.page_faults = s->page_faults,
		.major_faults = s->major_faults,
		.evictions = s->evictions,
		.swap_ins = s->swap_ins,
		.swap_outs = s->swap_outs,
		.cow_copies = s->cow_copies,
		.segfaults = s->segfaults,
	};
	return true;
}

bool mmusim_mmu_needs_future(const mmusim_mmu *mmu)
{
	return replay_needs_future(&mmu->replay);
}

int mmusim_mmu_read_future(mmusim_mmu *mmu, mmusim_trace *t, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct trace_reader *rd;
	struct trace_event *batch;
	long n;
	int rc = MMUSIM_OK;

	API_REFUSE_NULL(err, t);
	rd = api_trace_reader(t);
	if (!replay_needs_future(&mmu->replay))
		return MMUSIM_OK;
	if (!(batch = malloc(REPLAY_BATCH * sizeof(*batch))))
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	while ((n = trace_reader_next(rd, batch, REPLAY_BATCH, &e)) > 0)
		if ((rc = replay_future(&mmu->replay, batch, (size_t)n, false, &e)))
			break;
	if (n == EVENT_SOURCE_FAILED)
		rc = e.code ? e.code : MM_EINVAL;
	if (rc == MMUSIM_OK)
		rc = replay_future(&mmu->replay, NULL, 0, true, &e);
	free(batch);
	return rc ? api_error(err, &e) : MMUSIM_OK;
}

_Static_assert(MMUSIM_REPLAY_THREADS_MAX == SWEEP_THREADS_MAX, "thread limits agree");

/*
 * Each replay of replay_many runs on its own thread and must see exactly the
 * events a replay alone would: an mmu named twice, or two mmus over one machine
 * (whose page table demand paging edits), would race and count each other's work.
 */
static int distinct_mmus(mmusim_mmu *const *mmus, size_t n, struct mm_error *e)
{
	for (size_t i = 0; i < n; i++) {
		if (!mmus[i])
			return mm_error_set(e, MM_EINVAL, "mmu %zu is NULL", i);
		for (size_t j = 0; j < i; j++) {
			if (mmus[j] == mmus[i])
				return mm_error_set(e, MM_EINVAL, "mmu %zu is mmu %zu: each replay needs its own mmu",
						    i, j);
			if (mmus[j]->owner == mmus[i]->owner)
				return mm_error_set(e, MM_EINVAL,
						    "mmu %zu is over the machine of mmu %zu: each replay needs its own machine",
						    i, j);
		}
	}
	return MM_OK;
}

int mmusim_mmu_replay_many(mmusim_mmu *const *mmus, size_t n, mmusim_trace *t, unsigned threads,
			   mmusim_error *mmu_errs, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct sweep_job *jobs;
	int rc;

	API_REFUSE_NULL(err, t);
	if (n)
		API_REFUSE_NULL(err, mmus);
	if (!threads || threads > MMUSIM_REPLAY_THREADS_MAX)
		return api_error(err, (mm_error_set(&e, MM_EINVAL, "thread count %u is out of range (1 to %u)", threads,
						    MMUSIM_REPLAY_THREADS_MAX), &e));
	if (distinct_mmus(mmus, n, &e))
		return api_error(err, &e);
	if (!(jobs = calloc(n ? n : 1, sizeof(*jobs))))
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	for (size_t i = 0; i < n; i++) {
		jobs[i].replay = &mmus[i]->replay;
		mmus[i]->replay.source = api_trace_path(t);
	}
	rc = sweep_run(trace_reader_source(api_trace_reader(t)), jobs, n, threads, &e);
	for (size_t i = 0; i < n; i++) {
		mmus[i]->replay.source = "event";
		if (mmu_errs) {
			mmu_errs[i] = (mmusim_error){ 0 };
			if (jobs[i].failed)
				api_error(&mmu_errs[i], &jobs[i].err);
		}
	}
	free(jobs);
	if (rc == EVENT_SOURCE_FAILED) {
		api_error(err, &e);
		return -1; /* the public contract: the trace failed */
	}
	return rc ? api_error(err, &e) : MMUSIM_OK;
}

int mmusim_mmu_select_cpu(mmusim_mmu *mmu, unsigned cpu, mmusim_error *err)
{
	struct mm_error e = { 0 };

	return mmu_select_cpu(&mmu->replay.mmu, cpu, &e) ? api_error(err, &e) : MMUSIM_OK;
}

int mmusim_mmu_switch_asid(mmusim_mmu *mmu, uint16_t asid, mmusim_error *err)
{
	struct mm_error e = { 0 };

	return mmu_switch_asid(&mmu->replay.mmu, asid, &e) ? api_error(err, &e) : MMUSIM_OK;
}

int mmusim_mmu_set_priv(mmusim_mmu *mmu, enum mmusim_priv priv)
{
	struct mm_error e = { 0 };

	if (api_check_priv(priv, &e))
		return api_error(&mmu->last_error, &e);
	mmu_set_priv(&mmu->replay.mmu, (enum privilege)priv);
	return MMUSIM_OK;
}

int mmusim_mmu_flush(mmusim_mmu *mmu, enum mmusim_flush_scope scope, uint64_t va, uint16_t asid)
{
	struct mm_error e = { 0 };

	if (api_check_flush_scope(scope, &e))
		return api_error(&mmu->last_error, &e);
	mmu_flush(&mmu->replay.mmu, (unsigned)scope, va, asid);
	return MMUSIM_OK;
}

const char *mmusim_mmu_last_error(const mmusim_mmu *mmu)
{
	return mmu->last_error.message;
}

void mmusim_mmu_stats_reset(mmusim_mmu *mmu)
{
	replay_stats_reset(&mmu->replay);
}

void mmusim_mmu_warmup(mmusim_mmu *mmu, uint64_t accesses)
{
	replay_set_warmup(&mmu->replay, accesses);
}

void mmusim_mmu_warmup_state(const mmusim_mmu *mmu, uint64_t *requested, uint64_t *left)
{
	replay_warmup_state(&mmu->replay, requested, left);
}

void api_stats_to_public(const struct mmu_stats *s, mmusim_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < 3; i++)
		out->accesses[i] = s->accesses[i];
	out->walks = s->walks;
	for (unsigned k = 0; k < 64; k++)
		out->walks_by_page_shift[k] = s->walks_by_shift[k];
	out->pte_reads = s->pte_reads;
	for (unsigned k = 0; k < MMUSIM_FAULT_KIND_COUNT; k++)
		out->faults[k] = s->faults[k];
	out->demand_paged = s->demand_paged;
	out->shootdowns = s->shootdowns;
	out->stale_hits = s->stale_hits;
	out->dirty_rewalks = s->dirty_rewalks;
	out->cycles = s->cycles;
	out->prefetch_walks = s->prefetch_walks;
	out->prefetch_pte_reads = s->prefetch_pte_reads;
}

void mmusim_mmu_stats(const mmusim_mmu *mmu, mmusim_stats *out)
{
	const struct machine *m = mmu->replay.m;

	if (!out)
		return;
	api_stats_to_public(&mmu->replay.mmu.stats, out);
	out->page_table_nodes = machine_nr_nodes(m);
	out->page_table_bytes = out->page_table_nodes * m->cfg.pc.base_page_size;
}

int mmusim_mmu_cache_stats(const mmusim_mmu *mmu, bool pwc, unsigned idx, mmusim_cache_stats *out)
{
	const struct machine_config *cfg = &mmu->replay.m->cfg;
	const struct tlb_config *tc;
	struct tlb_stats t;

	if (idx >= (pwc ? cfg->nr_pwc : cfg->nr_tlb))
		return MMUSIM_EINVAL;
	tc = pwc ? &cfg->pwc[idx] : &cfg->tlb[idx];
	replay_tlb_totals(&mmu->replay, idx, pwc, &t);
	api_cache_stats_to_public(tc, pwc, &t, out);
	return MMUSIM_OK;
}

void api_cache_stats_to_public(const struct tlb_config *tc, bool pwc, const struct tlb_stats *s,
			       mmusim_cache_stats *out)
{
	*out = (mmusim_cache_stats){
		.name = pwc ? NULL : tc->name,
		.level = tc->level,
		.entries = tc->entries,
		.ways = tc->ways,
		.hits = s->hits,
		.misses = s->misses,
		.evictions = s->evictions,
		.prefetches = s->prefetches,
		.prefetch_useful = s->prefetch_useful,
		.prefetch_useless = s->prefetch_useless,
	};
	for (unsigned k = 0; k < 64; k++)
		out->hits_by_page_shift[k] = s->hits_by_shift[k];
}

void mmusim_mmu_current(const mmusim_mmu *mmu, unsigned *cpu, uint16_t *asid, enum mmusim_priv *priv)
{
	const struct mmu *m = &mmu->replay.mmu;

	if (cpu)
		*cpu = 0;
	for (unsigned i = 0; cpu && i < m->nr_cpus; i++)
		if (m->cpus[i] == m->cur)
			*cpu = i;
	if (asid)
		*asid = m->cur->asid;
	if (priv)
		*priv = (enum mmusim_priv)m->cur->priv;
}

struct tlb_walk {
	const struct paging_consts *pc;
	bool vm;    /* TLB entries of a VM: allow holds every (privilege, access) both stages grant */
	int (*fn)(void *arg, const mmusim_tlb_entry *e);
	void *arg;
};

static int public_entry(void *arg, const struct tlb_entry *e)
{
	const struct tlb_walk *w = arg;
	mmusim_tlb_entry pub = {
		.va = pc_va_canonicalize(w->pc, e->tag << e->shift),
		.size = 1ull << e->shift,
		.pa = e->pa,
		.level = e->level,
		.perms = e->perms & PERM_PUBLIC,
		.asid = tlb_space_asid(e->space),
		.global = e->global,
		.dirty = e->dirty,
		.vmid = tlb_space_vmid(e->space),
		.prefetched = e->prefetched,
	};

	/* A VM's entry caches what both stages allow: an access no privilege may make is not a right it holds. */
	static const unsigned right[] = { [ACCESS_READ] = PERM_R, [ACCESS_WRITE] = PERM_W, [ACCESS_EXEC] = PERM_X };
	if (w->vm)
		for (unsigned a = ACCESS_READ; a <= ACCESS_EXEC; a++)
			if (!(e->allow & (1u << access_slot(PRIV_USER, (enum access_kind)a)) ||
			      e->allow & (1u << access_slot(PRIV_SUPERVISOR, (enum access_kind)a))))
				pub.perms &= ~right[a];
	return w->fn(w->arg, &pub);
}

int mmusim_mmu_for_each_tlb_entry(const mmusim_mmu *mmu, bool pwc, unsigned idx,
				  int (*fn)(void *arg, const mmusim_tlb_entry *e), void *arg)
{
	const struct machine_config *cfg = &mmu->replay.m->cfg;
	const struct mmu_cpu *c = mmu->replay.mmu.cur;
	struct tlb_walk w = { .pc = &cfg->pc, .vm = !pwc && mmu->replay.m->host, .fn = fn, .arg = arg };
	const struct tlb *t;

	if (!fn)
		return MMUSIM_EINVAL;
	if (idx >= (pwc ? cfg->nr_pwc : cfg->nr_tlb))
		return MMUSIM_EINVAL;
	t = pwc ? c->pwc[cfg->pwc[idx].level] : c->tlb[idx];
	return t ? tlb_for_each(t, public_entry, &w) : 0;
}
