/* replay_log: the per-translation log (see replay_log.h). */
#include "replay_log.h"

#include <inttypes.h>

#include "sim/replay.h"

void replay_log_set(struct replay *r, access_log_fn fn, void *arg)
{
	struct replay_log *l = &r->log;

	l->fn = fn;
	l->arg = arg;
	l->index = 0;
	l->cycles = r->mmu.stats.cycles;
	l->walks = r->mmu.stats.walks;
	l->pte_reads = r->mmu.stats.pte_reads;
	access_detail_clear(&l->d);
	r->mmu.detail = fn ? &l->d : NULL;
	/* Every translation goes through access_after, where its record is written (off: as it was, harmless). */
	r->after_every_access = r->after_every_access || fn;
}

void replay_log_stats_reset(struct replay_log *l)
{
	l->cycles = l->walks = l->pte_reads = 0;
}

/* The index in the config's tlb list of the array d's translation hit, or -1. */
static int hit_tlb(const struct mmu *mmu, const struct access_detail *d)
{
	const struct mmu_cpu *c = mmu->cur;
	const struct tlb *hit = d->hit;

	if (d->served == DETAIL_WALK && d->rewalk == REWALK_NONE)
		return -1;
	if (!hit) /* the hit path's: the level-1 first array, untouched record */
		hit = c->l1_first[lookup_kind_of(d->access)];
	for (unsigned i = 0; i < mmu->m->cfg.nr_tlb; i++)
		if (hit && c->tlb[i] == hit)
			return (int)i;
	return -1;
}

void replay_log_access(struct replay *r, uint64_t va, enum access_kind access, const struct mmu_result *res,
		       bool mmu_ok)
{
	struct replay_log *l = &r->log;
	struct access_detail *d = &l->d;
	const struct mmu_stats *s = &r->mmu.stats;
	const struct mmu_cpu *c = r->mmu.cur;

	d->index = l->index++;
	for (d->cpu = 0; d->cpu < r->mmu.nr_cpus && r->mmu.cpus[d->cpu] != c; d->cpu++)
		;
	d->asid = c->asid;
	d->vmid = c->vmid;
	d->priv = c->priv;
	d->va = va;
	d->access = access;
	d->ok = res->ok;
	d->pa = res->ok ? res->pa : 0;
	d->page_size = res->ok ? res->page_size : 0;
	d->fault = res->ok ? FAULT_NONE : res->fault.kind;
	d->paged_in = !mmu_ok && res->ok;
	d->cycles = s->cycles - l->cycles;
	d->walks = s->walks - l->walks;
	d->pte_reads = s->pte_reads - l->pte_reads;
	d->tlb = hit_tlb(&r->mmu, d);
	l->cycles = s->cycles;
	l->walks = s->walks;
	l->pte_reads = s->pte_reads;
	l->fn(l->arg, d);
	access_detail_clear(d);
}

/* A config name as a JSON string: names are plain words, but a quote or backslash must not break the line. */
static void put_name(FILE *f, const char *name)
{
	putc('"', f);
	for (; *name; name++) {
		if (*name == '"' || *name == '\\')
			putc('\\', f);
		if ((unsigned char)*name >= 0x20)
			putc(*name, f);
	}
	putc('"', f);
}

static const char *const served_names[] = { "l1", "l2", "walk" };
static const char *const rewalk_names[] = { NULL, "dirty", "refused" };

void access_detail_write_json(FILE *f, const struct machine_config *cfg, const struct access_detail *d)
{
	fprintf(f, "{\"i\":%" PRIu64 ",\"cpu\":%u,\"vm\":%u,\"asid\":%u,\"priv\":\"%s\",\"va\":\"0x%" PRIx64
		   "\",\"access\":\"%s\",\"served\":\"%s\",\"tlb\":",
		d->index, d->cpu, d->vmid, d->asid, privilege_name(d->priv), d->va, access_kind_name(d->access),
		served_names[d->served]);
	if (d->tlb >= 0)
		put_name(f, cfg->tlb[d->tlb].name);
	else
		fputs("null", f);
	if (d->rewalk != REWALK_NONE)
		fprintf(f, ",\"rewalk\":\"%s\"", rewalk_names[d->rewalk]);
	fputs(",\"pwc\":[", f);
	for (unsigned i = 0; i < d->nr_pwc; i++)
		fprintf(f, "%s{\"level\":%u,\"hit\":%s}", i ? "," : "", d->pwc[i].level, d->pwc[i].hit ? "true" : "false");
	fputs("],\"ptes\":[", f);
	for (unsigned i = 0; i < d->nr_ptes; i++)
		fprintf(f, "%s{\"level\":%u,\"addr\":\"0x%" PRIx64 "\",\"from\":\"%s\"}", i ? "," : "", d->pte[i].level,
			d->pte[i].addr, cache_level_name((enum cache_level)d->pte[i].from));
	fprintf(f, "],\"walks\":%" PRIu64 ",\"pte_reads\":%" PRIu64 ",\"cycles\":%" PRIu64, d->walks, d->pte_reads,
		d->cycles);
	if (d->set_accessed || d->set_dirty)
		fprintf(f, ",\"set_a\":%s,\"set_d\":%s", d->set_accessed ? "true" : "false",
			d->set_dirty ? "true" : "false");
	if (d->ok)
		fprintf(f, ",\"pa\":\"0x%" PRIx64 "\",\"page_size\":%" PRIu64, d->pa, d->page_size);
	else
		fprintf(f, ",\"fault\":\"%s\"", fault_kind_name(d->fault));
	if (d->paged_in)
		fputs(",\"paged_in\":true", f);
	fputs("}\n", f);
}

void replay_log_json(void *replay, const struct access_detail *d)
{
	const struct replay *r = replay;

	access_detail_write_json(r->opt.log_out, &r->m->cfg, d);
}
