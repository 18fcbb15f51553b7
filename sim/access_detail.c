/* access_detail: one translation's record as a JSON line (see access_detail.h). */
#include "access_detail.h"

#include <inttypes.h>

#include "sim/cache_hierarchy.h"

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
