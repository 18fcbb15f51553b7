/*
 * mmu: TLBs and paging-structure caches in front of the walk (see mmu.h).
 *
 * Cost model: every TLB level probed adds the latency of its slowest array
 * (the arrays of a level are probed in parallel), every PWC probed its own;
 * every PTE read by a walk adds memory_latency, or with the `caches:` block
 * the latency of the data-cache level that served it (cache_hierarchy.h; a
 * virtual machine's 2-D walk reads both dimensions' entries through them:
 * mmu_nested_reads).  Counting rule: one
 * translation is one access and one lookup per TLB level it reaches (one hit
 * or one miss, however many arrays the level has: see mmu.h); a walk counts
 * its PTE reads.
 */
#include "mmu.h"

#include <stdlib.h>
#include <string.h>

#include "pt/pt_arch.h"
#include "sim/mmu_cpu_stats.h"
#include "sim/mmu_nested_reads.h"
#include "sim/mmu_tlb_prefetch.h"
#include "sim/stage2_host.h"

static void cpu_destroy(struct mmu_cpu *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < CONFIG_MAX_TLBS; i++)
		tlb_destroy(c->tlb[i]);
	for (unsigned i = 0; i <= PT_MAX_LEVELS; i++)
		tlb_destroy(c->pwc[i]);
	mmu_tlb_prefetch_destroy(c->prefetch);
	free(c); /* its dcache belongs to the hierarchy */
}

/* Adds t to lv, keeping the arrays in the order of their smallest page size. */
static void level_add(struct tlb_level *lv, struct tlb *t)
{
	const struct tlb_config *tc = tlb_config(t);
	const int smallest = __builtin_ctzll(tc->shift_mask);
	unsigned i = lv->nr++;

	for (; i > 0 && __builtin_ctzll(tlb_config(lv->arr[i - 1])->shift_mask) > smallest; i--)
		lv->arr[i] = lv->arr[i - 1];
	lv->arr[i] = t;
	if (tc->latency > lv->latency)
		lv->latency = tc->latency;
	/* Each page size's home: the array holding the largest size that fits it (sizes are disjoint: one answer). */
	for (unsigned page_shift = 0; page_shift < 64; page_shift++) {
		lv->home[page_shift] = lv->home_shift[page_shift] = -1;
		for (unsigned a = 0; a < lv->nr; a++) {
			int s = tlb_fit_shift(lv->arr[a], page_shift);
			if (s > lv->home_shift[page_shift]) {
				lv->home_shift[page_shift] = (int8_t)s;
				lv->home[page_shift] = (int8_t)a;
			}
		}
	}
}

static int cpu_create(struct mmu *mmu, struct mmu_cpu **out, struct mm_error *err)
{
	const struct machine_config *cfg = &mmu->m->cfg;
	struct mmu_cpu *c = calloc(1, sizeof(*c));

	if (!c)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	for (unsigned i = 0; i < cfg->nr_tlb; i++) {
		const struct tlb_config *tc = &cfg->tlb[i];
		if (!(c->tlb[i] = tlb_create(tc, err))) {
			cpu_destroy(c);
			return MM_EINVAL;
		}
		struct tlb_level *levels = tc->level == 1 ? c->l1 : c->l2;
		for (enum lookup_kind k = 0; k < LOOKUP_KINDS; k++)
			if (tlb_serves(tc->kind, k))
				level_add(&levels[k], c->tlb[i]);
	}
	if (mmu_tlb_prefetch_create(cfg, &c->prefetch, err) != MM_OK) {
		cpu_destroy(c);
		return MM_ENOMEM;
	}
	for (enum lookup_kind k = 0; k < LOOKUP_KINDS; k++) {
		c->l1_first[k] = c->l1[k].arr[0];
		c->l1_latency[k] = c->l1[k].latency;
	}
	for (unsigned i = 0; i < cfg->nr_pwc; i++) {
		if (!(c->pwc[cfg->pwc[i].level] = tlb_create(&cfg->pwc[i], err))) {
			cpu_destroy(c);
			return MM_EINVAL;
		}
	}
	/* Deepest first: that hit skips the most levels. */
	for (unsigned level = 2; level <= PT_MAX_LEVELS; level++)
		if (c->pwc[level])
			c->pwc_levels[c->nr_pwc++] = level;
	if (mmu->caches && !(c->dcache = cache_hierarchy_add_cpu(mmu->caches, err))) {
		cpu_destroy(c);
		return MM_ENOMEM;
	}
	c->walk_steps = c->nr_pwc || c->dcache;
	c->priv = PRIV_USER;
	c->asid = mmu->m->asid;
	c->vmid = mmu->m->vmid;
	c->space = tlb_space(c->vmid, c->asid);
	c->pt = mmu->m->user;
	c->root = pt_root(c->pt);
	*out = c;
	return MM_OK;
}

int mmu_init(struct mmu *mmu, struct machine *m, struct mm_error *err)
{
	memset(mmu, 0, sizeof(*mmu));
	mmu->m = m;
	if (m->cfg.arch->tags_ignored && m->cfg.arch->tags_ignored(&m->cfg.cpu))
		mmu->untag = m->cfg.arch->untag;
	if (m->cfg.caches.on && !(mmu->caches = cache_hierarchy_create(&m->cfg.caches, m->cfg.memory_latency, err)))
		return MM_ENOMEM;
	int rc = mmu_select_cpu(mmu, 0, err);
	if (rc) {
		cache_hierarchy_destroy(mmu->caches);
		mmu->caches = NULL;
	}
	return rc;
}

void mmu_fini(struct mmu *mmu)
{
	for (unsigned i = 0; i < mmu->nr_cpus; i++)
		cpu_destroy(mmu->cpus[i]);
	cache_hierarchy_destroy(mmu->caches);
	memset(mmu, 0, sizeof(*mmu));
}

int mmu_select_cpu(struct mmu *mmu, unsigned cpu, struct mm_error *err)
{
	int rc;

	if (cpu >= MMU_MAX_CPUS)
		return mm_error_set(err, MM_EINVAL, "cpu %u is out of range (at most %d)", cpu,
				    MMU_MAX_CPUS - 1);
	if (!mmu->cpus[cpu]) {
		/* Each CPU has its own caches: refuse what would need absurd host memory. */
		const struct machine_config *cfg = &mmu->m->cfg;
		uint64_t entries = 0, cpus = 1;
		for (unsigned i = 0; i < cfg->nr_tlb; i++)
			entries += cfg->tlb[i].entries;
		for (unsigned i = 0; i < cfg->nr_pwc; i++)
			entries += cfg->pwc[i].entries;
		for (unsigned i = 0; i < mmu->nr_cpus; i++)
			cpus += mmu->cpus[i] != NULL;
		uint64_t data_caches = cache_hierarchy_cpu_bytes(&cfg->caches);
		if (data_caches && cpus * (entries * sizeof(struct tlb_entry) + data_caches) > MMU_MAX_CACHE_BYTES)
			return mm_error_set(err, MM_ENOMEM,
					    "cpu %u: %llu CPUs with %llu cache entries and %llu MiB of data caches each "
					    "would need more than %llu MiB", cpu, (unsigned long long)cpus,
					    (unsigned long long)entries, (unsigned long long)(data_caches >> 20),
					    (unsigned long long)(MMU_MAX_CACHE_BYTES >> 20));
		if (entries * cpus * sizeof(struct tlb_entry) > MMU_MAX_CACHE_BYTES)
			return mm_error_set(err, MM_ENOMEM,
					    "cpu %u: %llu CPUs with %llu cache entries each would need more than %llu MiB",
					    cpu, (unsigned long long)cpus, (unsigned long long)entries,
					    (unsigned long long)(MMU_MAX_CACHE_BYTES >> 20));
	}
	if (!mmu->cpus[cpu] && (rc = cpu_create(mmu, &mmu->cpus[cpu], err)))
		return rc;
	/* The machine's tables are those of the VM the CPU runs. */
	if (mmu->cpus[cpu]->vmid != mmu->m->vmid && (rc = machine_switch_vm(mmu->m, mmu->cpus[cpu]->vmid, err)))
		return rc;
	if (cpu >= mmu->nr_cpus)
		mmu->nr_cpus = cpu + 1;
	mmu_cpu_stats_charge(mmu);
	mmu->cur = mmu->cpus[cpu];
	return MM_OK;
}

/*
 * The machine's tables are the running VM's: a CPU's walk needs its own VM's
 * (a library caller may have switched the machine meanwhile).  The VM
 * exists, so loading it cannot fail.
 */
static void run_cpu_vm(struct machine *m, const struct mmu_cpu *c)
{
	if (__builtin_expect(m->vmid != c->vmid, 0))
		(void)machine_switch_vm(m, c->vmid, NULL);
}

static void flush_cpu(struct mmu_cpu *c, enum flush_scope scope, uint64_t va, uint64_t len, uint16_t vmid,
		      uint16_t asid, bool last_level);

int mmu_switch_asid(struct mmu *mmu, uint16_t asid, struct mm_error *err)
{
	int rc;

	/* The ASID names an address space of the CPU's own VM. */
	run_cpu_vm(mmu->m, mmu->cur);
	rc = machine_space(mmu->m, asid, &mmu->cur->pt, err);

	/*
	 * Untagged entries all belong to the outgoing space: dropping its
	 * non-global ones drops them all.  A line naming the running space
	 * again reloads nothing (Linux skips the CR3 write for the same mm).
	 */
	if (rc == MM_OK && asid != mmu->cur->asid && mmu->m->cfg.arch->asid_switch_flushes)
		flush_cpu(mmu->cur, FLUSH_ASID, 0, 0, mmu->cur->vmid, mmu->cur->asid, false);
	if (rc == MM_OK) {
		mmu->cur->asid = asid;
		mmu->cur->space = tlb_space(mmu->cur->vmid, asid);
		mmu->cur->root = pt_root(mmu->cur->pt);
	}
	return rc;
}

int mmu_switch_vm(struct mmu *mmu, unsigned vmid, struct mm_error *err)
{
	struct mmu_cpu *c = mmu->cur;
	int rc = machine_switch_vm(mmu->m, vmid, err);

	/* The CPU keeps its ASID: the same number names an address space of the new VM. */
	if (rc == MM_OK && (rc = machine_space(mmu->m, c->asid, &c->pt, err)) == MM_OK) {
		c->vmid = (uint16_t)vmid;
		c->space = tlb_space(c->vmid, c->asid);
		c->root = pt_root(c->pt);
	}
	return rc;
}

void mmu_set_priv(struct mmu *mmu, enum privilege priv)
{
	mmu->cur->priv = priv;
}

void mmu_data_access(struct mmu *mmu, uint64_t pa)
{
	cache_hierarchy_data(mmu->caches, mmu->cur->dcache, pa);
}

void mmu_stats_reset(struct mmu *mmu)
{
	memset(&mmu->stats, 0, sizeof(mmu->stats));
	mmu_cpu_stats_reset(mmu);
	if (mmu->m->host)
		stage2_host_reset_cache_stats(mmu->m->host);
	if (mmu->caches)
		cache_hierarchy_stats_reset(mmu->caches);
	for (unsigned i = 0; i < mmu->nr_cpus; i++) {
		struct mmu_cpu *c = mmu->cpus[i];
		if (!c)
			continue;
		for (unsigned k = 0; k < CONFIG_MAX_TLBS; k++)
			if (c->tlb[k])
				tlb_stats_reset(c->tlb[k]);
		for (unsigned level = 0; level <= PT_MAX_LEVELS; level++)
			if (c->pwc[level])
				tlb_stats_reset(c->pwc[level]);
	}
}

/*
 * Drops c's entries of VM vmid by scope (enum flush_scope, no modifiers);
 * with last_level the PWCs keep theirs.
 */
static void flush_cpu(struct mmu_cpu *c, enum flush_scope scope, uint64_t va, uint64_t len,
		      uint16_t vmid, uint16_t asid, bool last_level)
{
	const unsigned caches = CONFIG_MAX_TLBS + (last_level ? 0 : PT_MAX_LEVELS + 1);
	const uint32_t space = tlb_space(vmid, asid);

	for (unsigned i = 0; i < caches; i++) {
		struct tlb *t = i < CONFIG_MAX_TLBS ? c->tlb[i] : c->pwc[i - CONFIG_MAX_TLBS];
		if (!t)
			continue;
		switch (scope) {
		case FLUSH_ALL: tlb_flush_vm(t, vmid); break;
		case FLUSH_ASID: tlb_flush_asid(t, space); break;
		case FLUSH_VA: tlb_flush_range(t, va, len, TLB_SELECT_ALL, space); break;
		case FLUSH_VA_ASID: tlb_flush_range(t, va, len, TLB_SELECT_ASID, space); break;
		case FLUSH_VA_ASID_GLOBAL: tlb_flush_range(t, va, len, TLB_SELECT_ASID_GLOBAL, space); break;
		}
	}
}

void mmu_flush(struct mmu *mmu, unsigned scope, uint64_t va, uint16_t asid)
{
	const uint64_t page = mmu->m->cfg.pc.base_page_size;
	const enum flush_scope what = (enum flush_scope)(scope & FLUSH_SCOPE_MASK);
	const bool last_level = (scope & FLUSH_LAST_LEVEL) != 0;
	const uint16_t vmid = mmu->cur->vmid;

	va = mmu_va(mmu, va);
	if (!(scope & FLUSH_ALL_CPUS)) {
		flush_cpu(mmu->cur, what, va & ~(page - 1), page, vmid, asid, last_level);
		if (what == FLUSH_VA && !last_level && mmu->m->cfg.arch->va_flush_drops_walk_caches)
			for (unsigned i = 0; i < mmu->cur->nr_pwc; i++)
				tlb_flush_asid(mmu->cur->pwc[mmu->cur->pwc_levels[i]], mmu->cur->space);
		return;
	}
	/* A broadcast in hardware (Arm's Inner Shareable TLBI): no IPI, so no shootdown is counted. */
	for (unsigned i = 0; i < mmu->nr_cpus; i++)
		if (mmu->cpus[i])
			flush_cpu(mmu->cpus[i], what, va & ~(page - 1), page, vmid, asid, last_level);
}

void mmu_shootdown(struct mmu *mmu, uint64_t va, uint64_t len, bool kernel_range, uint16_t asid)
{
	/* The edit was to the current VM's tables: other CPUs may hold its entries whatever they run now. */
	const uint16_t vmid = mmu->cur->vmid;

	for (unsigned i = 0; i < mmu->nr_cpus; i++) {
		struct mmu_cpu *c = mmu->cpus[i];
		if (!c)
			continue;
		flush_cpu(c, kernel_range ? FLUSH_VA : FLUSH_VA_ASID, va, len, vmid, asid, false);
		if (c != mmu->cur)
			mmu->stats.shootdowns++;
	}
}

void mmu_flush_vm(struct mmu *mmu, uint16_t vmid, bool all_vms)
{
	for (unsigned i = 0; i < mmu->nr_cpus; i++) {
		struct mmu_cpu *c = mmu->cpus[i];
		if (!c)
			continue;
		for (unsigned k = 0; k < CONFIG_MAX_TLBS + PT_MAX_LEVELS + 1; k++) {
			struct tlb *t = k < CONFIG_MAX_TLBS ? c->tlb[k] : c->pwc[k - CONFIG_MAX_TLBS];
			if (t && all_vms)
				tlb_flush_all(t);
			else if (t)
				tlb_flush_vm(t, vmid);
		}
		if (c != mmu->cur)
			mmu->stats.shootdowns++;
	}
}

/* Probes the PWCs from the deepest level up; fills req's start fields on a hit. */
static void pwc_probe(struct mmu *mmu, struct mmu_cpu *c, uint64_t va, struct walk_request *req)
{
	for (unsigned i = 0; i < c->nr_pwc; i++) {
		unsigned level = c->pwc_levels[i];
		struct tlb *p = c->pwc[level];
		mmu->stats.cycles += tlb_config(p)->latency;
		struct tlb_entry *e = tlb_lookup(p, va, c->space);
		if (e) {
			req->start_level = level - 1;
			req->start_table = e->pa;
			req->start_perms = e->perms;
			return;
		}
	}
}

/*
 * Caches every pointer the walk went through (all steps but the last) in the
 * PWC of its level.  absent: the walk followed pwc_probe, which missed every
 * PWC of a level below its hit (those the walk's pointers are at), so no
 * entry to overwrite need be looked for.
 */
static void pwc_fill(struct mmu_cpu *c, const struct machine *m, uint64_t va,
		     const struct walk_result *res, bool absent)
{
	if (!c->nr_pwc) /* then the walk did not record its steps */
		return;
	for (unsigned i = 0; i + 1 < res->nr_steps; i++) {
		const struct walk_step *s = &res->steps[i];
		struct tlb *p = c->pwc[s->level];
		if (!p)
			continue;
		struct tlb_entry e = {
			.pa = res->steps[i + 1].table, /* the table this pointer led to, as the walk read it */
			.perms = s->perms,
			.space = c->space,
			.shift = (uint8_t)pc_index_shift(&m->cfg.pc, s->level),
			.level = (uint8_t)s->level,
			.valid = true,
		};
		if (absent)
			tlb_fill_absent(p, va, &e);
		else
			tlb_fill(p, va, &e);
	}
}

/*
 * After a page fault at va: the format may drop every TLB entry of va's page
 * and the PWC entries that would translate va (fault_drops_cached_page).
 * A #GP (non-canonical VA) or a bus error is not a page fault.
 */
static bool fault_drops_page(const struct machine *m, const struct walk_fault *f)
{
	return m->cfg.arch->fault_drops_cached_page && f->kind != FAULT_NON_CANONICAL && f->kind != FAULT_BUS_ERROR;
}

static bool level_has(const struct tlb_level *lv, const struct tlb *t)
{
	for (unsigned i = 0; i < lv->nr; i++)
		if (lv->arr[i] == t)
			return true;
	return false;
}

/*
 * Drops va's page from c's TLBs and the PWC entries that would translate va.
 * After a lookup of kind k that missed every array (missed_k), those arrays
 * cannot hold the page; after a walk, only the PWCs of its level and above
 * can hold va's path (pwc_probe stops at the deepest hit; the levels below
 * it missed): pwc_from is that level, or 0 when every PWC missed.
 */
static void drop_faulting_page(struct mmu_cpu *c, uint64_t va, int missed_k,
			       unsigned pwc_from)
{
	for (unsigned i = 0; i < CONFIG_MAX_TLBS; i++) {
		struct tlb *t = c->tlb[i];
		if (t && !(missed_k >= 0 && (level_has(&c->l1[missed_k], t) || level_has(&c->l2[missed_k], t))))
			tlb_drop_page(t, va, c->space);
	}
	/* PWC entries are never global: the lookup's match is the space's own. */
	for (unsigned i = 0; pwc_from && i < c->nr_pwc; i++)
		if (c->pwc_levels[i] >= pwc_from)
			tlb_drop_page(c->pwc[c->pwc_levels[i]], va, c->space);
}

/*
 * Which (privilege, access) pairs the translation allows, decided at fill
 * time so that a hit is one bit test; the control bits do not change during a
 * replay.  Only the pairs asked for are decided (privileges from..to,
 * accesses a_from..a_to): a native hit whose bit is clear asks the format
 * again (translate_rest) and sets the bit when allowed, so the walk's own
 * pair is enough, one check per fill instead of six.  A virtual machine's
 * entry needs every bit: a clear one there means refused.
 */
static uint8_t allow_mask(const struct walker *w, const struct walk_result *res, unsigned from, unsigned to,
			  unsigned a_from, unsigned a_to)
{
	uint8_t allow = 0;

	for (unsigned priv = from; priv <= to; priv++) {
		for (unsigned a = a_from; a <= a_to; a++) {
			struct walk_request req = { .access = (enum access_kind)a, .priv = (enum privilege)priv };
			struct walk_fault f;
			if (walk_check_access(w, &req, res->perms, res->leaf_pte, res->level, &f))
				allow |= (uint8_t)(1u << access_slot(req.priv, req.access));
		}
	}
	return allow;
}

/* The walk this CPU makes for va. */
static inline struct walk_request walk_request_of(const struct mmu_cpu *c, uint64_t va, enum access_kind access)
{
	/* The steps feed only the PWC fill and the data caches: without either, the walk need not record them. */
	return (struct walk_request){ .root = c->root, .va = va, .access = access, .priv = c->priv,
				      .no_steps = !c->walk_steps };
}

/*
 * The array of lv that a page of 2^page_shift bytes goes to: the one holding
 * the largest size that fits it, or NULL if none does; *shift gets that size.
 * Decided per size when the level was built (level_add).
 */
static inline struct tlb *level_home(const struct tlb_level *lv, unsigned page_shift, int *shift)
{
	*shift = lv->home_shift[page_shift];
	return lv->home[page_shift] < 0 ? NULL : lv->arr[lv->home[page_shift]];
}

/* Probes arrays from.. of lv (a hit counts where it hits); *in gets the array that hit. */
static struct tlb_entry *level_probe(const struct tlb_level *lv, unsigned from, uint64_t va,
				     uint32_t space, struct tlb **in)
{
	for (unsigned i = from; i < lv->nr; i++) {
		struct tlb_entry *e = tlb_probe(lv->arr[i], va, space);
		if (e) {
			*in = lv->arr[i];
			return e;
		}
	}
	return NULL;
}

/*
 * Counts lv's miss once, in the array a translation of 2^page_shift bytes
 * goes to, or (page_shift < 0: no translation came back; or no array fits)
 * in its first array.  See the counting rule in mmu.h.
 */
static void level_miss(const struct tlb_level *lv, int page_shift)
{
	int shift;
	struct tlb *home = page_shift >= 0 ? level_home(lv, (unsigned)page_shift, &shift) : NULL;

	tlb_count_miss(home ? home : lv->arr[0]);
}

/* The entry a walk's translation gives; see mmu_tlb_prefetch.h. */
struct tlb_entry mmu_walk_entry(const struct mmu_cpu *c, const struct walk_result *res, const struct walker *w,
				int access)
{
	const unsigned a_from = access < 0 ? 0 : (unsigned)access, a_to = access < 0 ? ACCESS_KINDS - 1 : (unsigned)access;
	bool dirty;

	if (w->arch->leaf_dirty) {
		dirty = w->arch->leaf_dirty(res->leaf_pte, res->level);
	} else {
		struct page_prop prop;
		w->arch->leaf_prop(w->pc, res->leaf_pte, res->level, &prop);
		dirty = (prop.flags & PROP_D) != 0;
	}
	return (struct tlb_entry){
		.pte = res->leaf_pte,
		.perms = res->perms,
		.space = c->space,
		.level = (uint8_t)res->level,
		.page_shift = (uint8_t)__builtin_ctzll(res->page_size),
		.valid = true,
		.global = (res->perms & PERM_G) != 0,
		.dirty = dirty,
		/*
		 * A native hit of another privilege or access asks again (translate_rest).
		 * A walk that succeeded checked its own pair already: no second look.
		 */
		.allow = access >= 0 && res->ok ? (uint8_t)(1u << access_slot(c->priv, (enum access_kind)access))
						: allow_mask(w, res, c->priv, c->priv, a_from, a_to),
	};
}

/*
 * Fills the walk's translation into the level-2 and level-1 TLBs of kind k
 * (at least one exists), each time into the array of that level that holds
 * the largest size fitting the page; the entry is built once for all.
 */
static void tlb_fill_walk(struct mmu_cpu *c, enum lookup_kind k, enum access_kind access, uint64_t va,
			  const struct walk_result *res, const struct walker *w, const struct vm_walk_info *vm, bool absent)
{
	struct tlb_entry e = mmu_walk_entry(c, res, w, (int)access);
	int shift;

	/* A virtual machine's entry holds both stages: it allows what both allow, dirty when both are. */
	if (vm) {
		e.allow = allow_mask(w, res, 0, PRIVILEGES - 1, 0, ACCESS_KINDS - 1); /* a clear bit there means refused */
		e.allow &= vm->stage2_allow; /* the same (privilege, access) slots */
		e.dirty = e.dirty && vm->stage2_dirty;
	}
	const struct tlb_level *order[2] = { &c->l2[k], &c->l1[k] };
	for (unsigned i = 0; i < 2; i++) {
		struct tlb *home = level_home(order[i], (unsigned)__builtin_ctzll(res->page_size), &shift);
		if (!home)
			continue;
		e.shift = (uint8_t)shift;
		e.pa = res->pa & ~((1ull << shift) - 1);
		if (absent)
			tlb_fill_absent(home, va, &e);
		else
			tlb_fill(home, va, &e);
	}
}

void mmu_run_cpu_vm(struct mmu *mmu)
{
	run_cpu_vm(mmu->m, mmu->cur);
}

/*
 * Notes a walk in d: the PWC probes (pwc_probe stops at the deepest hit, and
 * req starts below it), the PTEs read and, with the data caches, where each
 * was served (where; NULL: memory).
 */
static void access_detail_walk(struct access_detail *d, const struct mmu_cpu *c, const struct walk_request *req,
			       const struct walk_result *res, const enum cache_level *where)
{
	d->served = DETAIL_WALK;
	d->nr_pwc = 0;
	for (unsigned i = 0; i < c->nr_pwc; i++) {
		bool hit = req->start_level && c->pwc_levels[i] == req->start_level + 1;
		d->pwc[d->nr_pwc].level = (uint8_t)c->pwc_levels[i];
		d->pwc[d->nr_pwc++].hit = hit;
		if (hit)
			break;
	}
	d->nr_ptes = res->nr_steps;
	for (unsigned i = 0; i < res->nr_steps; i++) {
		d->pte[i].level = (uint8_t)res->steps[i].level;
		d->pte[i].addr = res->steps[i].pte_addr;
		d->pte[i].from = (uint8_t)(where && c->dcache ? where[i] : CACHE_MEMORY);
		if (!d->vm) /* a VM's host PAs: mmu_nested_reads */
			d->pte[i].has_hpa = false;
	}
	d->set_accessed = res->set_accessed;
	d->set_dirty = res->set_dirty;
}

/* Inlined into translate_rest, which is already off the TLB-hit path. */
/* absent: every TLB array of both levels just missed va (a fill need not look for the entry to overwrite). */
static inline __attribute__((always_inline)) void do_walk(struct mmu *mmu, struct mmu_cpu *c, uint64_t va,
					      enum access_kind access, struct mmu_result *out, bool absent)
{
	struct machine *m = mmu->m;
	struct walk_request req = walk_request_of(c, va, access);
	struct walk_result res;
	enum lookup_kind k = lookup_kind_of(access);

	struct vm_walk_info vm, *vmp = NULL;
	uint64_t reads, cost;
	enum cache_level where_buf[PT_MAX_LEVELS], *where = NULL;

	if (__builtin_expect(mmu->detail != NULL, 0)) {
		req.no_steps = false; /* the log lists the PTEs read */
		where = where_buf;
	}
	if (c->nr_pwc)
		pwc_probe(mmu, c, va, &req);
	if (__builtin_expect(m->host != NULL, 0)) {
		uint64_t before = mmu->stats.nested.guest_reads + mmu->stats.nested.host_reads;
		uint64_t lookups = mmu->stats.nested.stage2_walks;
		struct nested_result grid;
		run_cpu_vm(m, c);
		vm_walk(m, &req, &res, &vm, &mmu->stats.nested, &grid);
		reads = mmu->stats.nested.guest_reads + mmu->stats.nested.host_reads - before;
		cost = reads * m->cfg.memory_latency;
		if (c->dcache || mmu->detail)
			cost = mmu_nested_reads(mmu, c, &grid, cost, where);
		if (m->host->cfg.has_tlb)
			mmu->stats.cycles += (mmu->stats.nested.stage2_walks - lookups) * m->host->cfg.tlb.latency;
		vmp = &vm;
		out->fault_stage = (uint8_t)vm.fault;
		out->fault_gpa = vm.fault_gpa;
	} else {
		walk(&m->walker, &req, &res);
		reads = res.nr_steps;
		cost = __builtin_expect(c->dcache != NULL, 0) ? cache_hierarchy_walk(mmu->caches, c->dcache, &res, where)
							      : reads * m->cfg.memory_latency;
		out->fault_stage = NESTED_OK;
	}
	if (__builtin_expect(mmu->detail != NULL, 0))
		access_detail_walk(mmu->detail, c, &req, &res, where);
	mmu->stats.walks++;
	mmu->stats.pte_reads += reads;
	mmu->stats.cycles += cost;
	/* The guest PWCs cache the guest's pointers, GPAs: a stage-2 fault on a final GPA leaves them good. */
	if (!res.ok && (!vmp || vm.fault == NESTED_FAULT_STAGE1) && fault_drops_page(m, &res.fault))
		drop_faulting_page(c, va, absent ? (int)k : -1, req.start_level ? req.start_level + 1 : 0);
	else if (!vmp || vm.fault == NESTED_OK || vm.fault == NESTED_FAULT_STAGE2_FINAL || vm.fault == NESTED_FAULT_STAGE1)
		pwc_fill(c, m, va, &res, true);
	if (!res.ok) {
		out->ok = false;
		out->fault = res.fault;
		return;
	}
	mmu->stats.walks_by_shift[__builtin_ctzll(res.page_size)]++;
	if (c->l1[k].nr || c->l2[k].nr)
		tlb_fill_walk(c, k, access, va, &res, &m->walker, vmp, absent);
	if (__builtin_expect(c->prefetch != NULL, 0))
		mmu_tlb_prefetch_line(mmu, c, k, va, &res);
	out->ok = true;
	out->pa = res.pa;
	out->page_shift = (uint8_t)__builtin_ctzll(res.page_size);
}

/* Does the cached entry still say what the page table says?  (--check-stale) */
static bool entry_is_stale(const struct mmu_cpu *c, uint64_t va, const struct tlb_entry *e)
{
	struct pt_mapping m;
	uint64_t mask = (1ull << e->shift) - 1;

	if (!pt_query(c->pt, va, &m))
		return true;
	return ((m.pa + (va & (m.size - 1))) & ~mask) != e->pa || m.perms != e->perms;
}

/*
 * The translation a TLB hit on e gives va.  The page is the one the walk
 * found (page_shift), also where the array holds it in pieces (a 1G page in a
 * 2M array): e->pa is then its piece's start.
 */
static inline void hit_result(const struct tlb_entry *e, uint64_t va, struct mmu_result *out)
{
	out->ok = true;
	out->page_shift = e->page_shift;
	out->pa = e->pa | (va & ((1ull << e->shift) - 1));
}

/*
 * A VA outside the address space is refused before translation (SDM vol. 1
 * 3.3.7.1: #GP, not #PF; RISC-V and Arm check it before the walk too): no
 * TLB lookup, no walk, nothing counted but the access and (by the caller)
 * the fault.  The walk gives the format's own fault without reading a PTE.
 * The level-1 probe mmu_translate made (and charged) could not hit, since
 * only walks that succeed fill: it is taken back.
 */
static __attribute__((noinline, cold)) void refuse_non_canonical(struct mmu *mmu, struct mmu_cpu *c, uint64_t va,
								enum access_kind access, struct mmu_result *out)
{
	struct walk_request req = walk_request_of(c, va, access);
	struct walk_result res;
	enum lookup_kind k = lookup_kind_of(access);

	if (c->l1_first[k])
		mmu->stats.cycles -= c->l1_latency[k];
	walk(&mmu->m->walker, &req, &res);
	if (mmu->detail) {
		mmu->detail->served = DETAIL_NONE;
		mmu->detail->nr_pwc = mmu->detail->nr_ptes = 0;
	}
	out->ok = false;
	out->fault = res.fault;
	out->fault_stage = NESTED_OK;
}

/*
 * mmu_translate past the level-1 TLB's first array: e is its hit (NULL on a
 * miss or when there is none).  Out of line, so that the common hit keeps few
 * registers.
 */
static __attribute__((noinline)) void translate_rest(struct mmu *mmu, struct mmu_cpu *c, uint64_t va,
						    enum access_kind access, struct tlb_entry *e,
						    struct mmu_result *out)
{
	enum lookup_kind k = lookup_kind_of(access);
	const struct tlb_level *l1 = &c->l1[k], *l2 = &c->l2[k];
	struct tlb *hit_in = e ? l1->arr[0] : NULL;
	bool l1_missed = false, l2_missed = false;

	c->unplaced_miss[0] = c->unplaced_miss[1] = NULL;
	if (!e && __builtin_expect(!pc_va_canonical(&mmu->m->cfg.pc, va), 0)) {
		refuse_non_canonical(mmu, c, va, access, out);
		return;
	}
	if (!e && l1->nr) {
		/* The other arrays of the level, probed with the first in the same lookup. */
		e = level_probe(l1, 1, va, c->space, &hit_in);
		l1_missed = !e;
	}
	if (!e && l2->nr) {
		mmu->stats.cycles += l2->latency;
		e = level_probe(l2, 0, va, c->space, &hit_in);
		l2_missed = !e;
	}
	if (__builtin_expect(mmu->detail != NULL, 0) && e) {
		mmu->detail->served = l1_missed || !l1->nr ? DETAIL_L2 : DETAIL_L1;
		mmu->detail->hit = hit_in;
	}
	if (!e) {
		do_walk(mmu, c, va, access, out, true);
		int shift = out->ok ? out->page_shift : -1;
		if (l1_missed) {
			level_miss(l1, shift);
			c->unplaced_miss[0] = out->ok ? NULL : &c->l1[k];
		}
		if (l2_missed) {
			level_miss(l2, shift);
			c->unplaced_miss[1] = out->ok ? NULL : &c->l2[k];
		}
		if (__builtin_expect(c->prefetch != NULL, 0))
			mmu_tlb_prefetch_after_miss(mmu, c, k, va, l1_missed, l2_missed);
		return;
	}
	if (__builtin_expect(c->prefetch != NULL, 0) && l1_missed)
		mmu_tlb_prefetch_after_miss(mmu, c, k, va, true, false);
	if (l1_missed)
		level_miss(l1, e->shift);
	if (mmu->check_stale && entry_is_stale(c, va, e))
		mmu->stats.stale_hits++;
	if (!(e->allow & (1u << access_slot(c->priv, access)))) {
		struct walk_request req = { .va = va, .access = access, .priv = c->priv };
		/* Either stage may refuse a VM's entry: the walk tells which, with its report. */
		if (__builtin_expect(mmu->m->host != NULL, 0)) {
			tlb_invalidate(hit_in, e);
			if (mmu->detail)
				mmu->detail->rewalk = REWALK_REFUSED;
			do_walk(mmu, c, va, access, out, false);
			return;
		}
		out->fault_stage = NESTED_OK;
		if (!walk_check_access(&mmu->m->walker, &req, e->perms, e->pte, e->level, &out->fault)) {
			/* A page fault drops the translation it used (SDM 4.10.4.1); on x86 every copy and the PWCs' path. */
			tlb_invalidate(hit_in, e);
			if (fault_drops_page(mmu->m, &out->fault))
				drop_faulting_page(c, va, -1, 1);
			out->ok = false;
			return;
		}
		/* Allowed: a fill decides only its walk's privilege (allow_mask); now this one's is known too. */
		e->allow |= (uint8_t)(1u << access_slot(c->priv, access));
	}
	if (access == ACCESS_WRITE && !e->dirty) {
		/* The hardware must set D in memory: walk again (x86 does; Svade faults). */
		mmu->stats.dirty_rewalks++;
		if (mmu->detail)
			mmu->detail->rewalk = REWALK_DIRTY;
		do_walk(mmu, c, va, access, out, false);
		/* Memory no longer allows the write (a stale entry): the fault drops the entry too (SDM 4.10.4.1). */
		if (!out->ok)
			tlb_invalidate(hit_in, e);
		return;
	}
	hit_result(e, va, out);
	if (l1_missed) {
		/* Refill level 1 from the level-2 hit, in the array and size that fit it. */
		int shift;
		struct tlb *home = level_home(l1, e->shift, &shift);
		if (home) {
			struct tlb_entry copy = *e;
			copy.shift = (uint8_t)shift;
			copy.pa = out->pa & ~((1ull << shift) - 1);
			tlb_fill(home, va, &copy);
		}
	}
}

void mmu_translate(struct mmu *mmu, uint64_t va, enum access_kind access, struct mmu_result *out)
{
	struct mmu_cpu *c = mmu->cur;
	enum lookup_kind k = lookup_kind_of(access);
	struct tlb *first = c->l1_first[k];
	struct tlb_entry *e = NULL;

	mmu->stats.accesses[access]++;
	if (first) {
		/* All arrays of the level are probed at once: the level's latency, once. */
		mmu->stats.cycles += c->l1_latency[k];
		e = tlb_probe(first, va, c->space);
		/* The common case, finished here: a hit that allows the access and needs no D update. */
		if (e && !mmu->check_stale && (e->allow & (1u << access_slot(c->priv, access))) &&
		    (access != ACCESS_WRITE || e->dirty)) {
			hit_result(e, va, out);
			return;
		}
	}
	translate_rest(mmu, c, va, access, e, out);
}

bool mmu_translation_global(const struct mmu *mmu, uint64_t va, enum access_kind access)
{
	const struct mmu_cpu *c = mmu->cur;
	const enum lookup_kind k = lookup_kind_of(access);
	const struct tlb_level *levels[2] = { &c->l1[k], &c->l2[k] };
	struct pt_mapping leaf;

	va = mmu_va(mmu, va);
	for (unsigned i = 0; i < 2; i++)
		for (unsigned a = 0; a < levels[i]->nr; a++) {
			const struct tlb_entry *e = tlb_find(levels[i]->arr[a], va, c->space);
			if (e)
				return e->global;
		}
	return pt_query(c->pt, va, &leaf) && (leaf.prop.flags & PROP_G);
}

void mmu_refill(struct mmu *mmu, uint64_t va, enum access_kind access, struct mmu_result *out)
{
	struct mmu_cpu *c = mmu->cur;
	struct machine *m = mmu->m;
	struct walk_request req;
	struct walk_result res;
	enum lookup_kind k = lookup_kind_of(access);

	struct vm_walk_info vm, *vmp = NULL;

	va = mmu_va(mmu, va);
	req = walk_request_of(c, va, access);
	out->fault_stage = NESTED_OK;
	if (__builtin_expect(m->host != NULL, 0)) {
		/* Counting nothing: the access was counted once. */
		struct nested_stats uncounted = { 0 };
		struct nested_result grid;
		run_cpu_vm(m, c);
		vm_walk(m, &req, &res, &vm, &uncounted, &grid);
		vmp = &vm;
		out->fault_stage = (uint8_t)vm.fault;
		out->fault_gpa = vm.fault_gpa;
	} else {
		walk(&m->walker, &req, &res);
	}
	if (!res.ok && (!vmp || vm.fault == NESTED_FAULT_STAGE1) && fault_drops_page(m, &res.fault))
		drop_faulting_page(c, va, -1, 1);
	else if (!vmp || vm.fault == NESTED_OK || vm.fault == NESTED_FAULT_STAGE2_FINAL || vm.fault == NESTED_FAULT_STAGE1)
		pwc_fill(c, m, va, &res, false);
	out->ok = res.ok;
	out->fault = res.fault;
	if (!res.ok)
		return;
	if (c->l1[k].nr || c->l2[k].nr)
		tlb_fill_walk(c, k, access, va, &res, &m->walker, vmp, false);
	if (__builtin_expect(c->prefetch != NULL, 0))
		mmu_tlb_prefetch_line(mmu, c, k, va, &res);
	/* The faulted access's misses belong with the array its page now fills. */
	for (unsigned i = 0; i < 2; i++) {
		const struct tlb_level *lv = c->unplaced_miss[i];
		int shift;
		struct tlb *home = lv ? level_home(lv, (unsigned)__builtin_ctzll(res.page_size), &shift) : NULL;
		if (home && home != lv->arr[0])
			tlb_move_miss(lv->arr[0], home);
		c->unplaced_miss[i] = NULL;
	}
	out->pa = res.pa;
	out->page_shift = (uint8_t)__builtin_ctzll(res.page_size);
}
