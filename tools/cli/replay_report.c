/*
 * report: the statistics of a replay, as a readable table or one JSON object.
 */
#include "replay_report.h"

#include <inttypes.h>
#include <string.h>

#include "cpu_report.h"
#include "data_caches_report.h"
#include "json_string.h"
#include "size_text.h"
#include "term_text.h"

static uint64_t sum3(const uint64_t a[3])
{
	return a[0] + a[1] + a[2];
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

/* Opens the JSON object of a by-size breakdown; the caller may add keys, then closes it. */
static bool json_sizes_open(FILE *out, const uint64_t by_shift[64])
{
	bool first = true;
	char size[32];

	fputc('{', out);
	for (unsigned s = 0; s < 64; s++) {
		if (!by_shift[s])
			continue;
		format_size(1ull << s, size, sizeof(size));
		fprintf(out, "%s\"%s\":%" PRIu64, first ? "" : ",", size, by_shift[s]);
		first = false;
	}
	return first;
}

static void json_sizes(FILE *out, const uint64_t by_shift[64])
{
	json_sizes_open(out, by_shift);
	fputc('}', out);
}

/* A by-size breakdown as "4K 3, 2M 1"; returns true when it printed nothing. */
static bool text_sizes_open(FILE *out, const uint64_t by_shift[64])
{
	bool first = true;
	char size[32];

	for (unsigned s = 0; s < 64; s++) {
		if (!by_shift[s])
			continue;
		format_page_size(1ull << s, size, sizeof(size));
		fprintf(out, "%s%s %" PRIu64, first ? "" : ", ", size, by_shift[s]);
		first = false;
	}
	return first;
}

static void text_sizes(FILE *out, const uint64_t by_shift[64])
{
	if (text_sizes_open(out, by_shift))
		fputc('-', out);
}

/* Walks that ended in a fault (demand-paged ones too): the rest of the by-size breakdown. */
static uint64_t faulted_walks(const mmusim_stats *s)
{
	uint64_t completed = 0;

	for (unsigned k = 0; k < 64; k++)
		completed += s->walks_by_page_shift[k];
	return s->walks - completed;
}

/*
 * A VM's 2-D walks: rows the guest levels from the top, then the final GPA;
 * columns the host levels from the top, then the guest entry itself.
 */
static void nested_json(FILE *out, const mmusim_nested_stats *n)
{
	fprintf(out, ",\"nested\":{\"walks\":%" PRIu64 ",\"guest_pte_reads\":%" PRIu64 ",\"host_pte_reads\":%" PRIu64
		",\"references_per_walk\":%.4f,\"grid\":[", n->walks, n->guest_reads, n->host_reads,
		ratio(n->guest_reads + n->host_reads, n->walks));
	for (unsigned g = n->guest_levels; g >= 1; g--) {
		fputs(g == n->guest_levels ? "[" : ",[", out);
		for (unsigned h = n->host_levels; h >= 1; h--)
			fprintf(out, "%" PRIu64 ",", n->reads[g][h]);
		fprintf(out, "%" PRIu64 "]", n->reads[g][0]);
	}
	fputs(",[", out);
	for (unsigned h = n->host_levels; h >= 1; h--)
		fprintf(out, "%s%" PRIu64, h == n->host_levels ? "" : ",", n->reads[0][h]);
	fprintf(out, "]],\"guest_faults\":%" PRIu64 ",\"host_faults\":%" PRIu64 ",\"host_demand_paged\":%" PRIu64
		",\"vms\":%u", n->guest_faults, n->host_faults, n->host_demand_paged, n->vms);
	if (n->has_tlb)
		fprintf(out, ",\"nested_tlb\":{\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 "}", n->tlb_hits, n->tlb_misses);
	if (n->nr_pwc) {
		fputs(",\"stage2_pwc\":{", out);
		for (unsigned i = 0; i < n->nr_pwc; i++)
			fprintf(out, "%s\"%u\":{\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 "}", i ? "," : "", n->pwc_level[i],
				n->pwc_hits[i], n->pwc_misses[i]);
		fputc('}', out);
	}
	fputc('}', out);
}

static void nested_text(FILE *out, const mmusim_nested_stats *n)
{
	fprintf(out, "2-D walks       %" PRIu64 "  (%.2f references per walk: guest %" PRIu64 ", stage 2 %" PRIu64 ")\n",
		n->walks, ratio(n->guest_reads + n->host_reads, n->walks), n->guest_reads, n->host_reads);
	fprintf(out, "  %-13s", "references");
	for (unsigned h = n->host_levels; h >= 1; h--) {
		char col[24];
		snprintf(col, sizeof(col), "host L%u", h);
		fprintf(out, " %12s", col);
	}
	fprintf(out, " %12s\n", "guest entry");
	for (unsigned g = n->guest_levels; g >= 1; g--) {
		fprintf(out, "  guest L%-6u", g);
		for (unsigned h = n->host_levels; h >= 1; h--)
			fprintf(out, " %12" PRIu64, n->reads[g][h]);
		fprintf(out, " %12" PRIu64 "\n", n->reads[g][0]);
	}
	fprintf(out, "  %-13s", "final GPA");
	for (unsigned h = n->host_levels; h >= 1; h--)
		fprintf(out, " %12" PRIu64, n->reads[0][h]);
	fprintf(out, " %12s\n", "-");
	if (n->has_tlb)
		fprintf(out, "nested TLB      %" PRIu64 " hits, %" PRIu64 " misses  (%.2f%% miss rate)\n", n->tlb_hits,
			n->tlb_misses, 100.0 * ratio(n->tlb_misses, n->tlb_hits + n->tlb_misses));
	for (unsigned i = 0; i < n->nr_pwc; i++)
		fprintf(out, "stage-2 PWC L%u  %" PRIu64 " hits, %" PRIu64 " misses\n", n->pwc_level[i], n->pwc_hits[i],
			n->pwc_misses[i]);
	fprintf(out, "guest faults    %" PRIu64 "\nhost faults     %" PRIu64 "  (host demand paged %" PRIu64 ")\n",
		n->guest_faults, n->host_faults, n->host_demand_paged);
	fprintf(out, "virtual machines %u\n", n->vms);
}

/* The OS layer's counters (only when it ran: a replay without it reports as before). */
static void paging_json(FILE *out, const mmusim_paging_stats *p)
{
	fprintf(out, ",\"paging\":{\"page_faults\":%" PRIu64 ",\"major_faults\":%" PRIu64 ",\"evictions\":%" PRIu64
		",\"swap_ins\":%" PRIu64 ",\"swap_outs\":%" PRIu64 ",\"cow_copies\":%" PRIu64 ",\"segfaults\":%" PRIu64 "}",
		p->page_faults, p->major_faults, p->evictions, p->swap_ins, p->swap_outs, p->cow_copies, p->segfaults);
}

static void paging_text(FILE *out, const mmusim_paging_stats *p)
{
	fprintf(out, "page faults     %" PRIu64 "  (major %" PRIu64 ")\n", p->page_faults, p->major_faults);
	fprintf(out, "evictions       %" PRIu64 "  (swap out %" PRIu64 ", swap in %" PRIu64 ")\n", p->evictions,
		p->swap_outs, p->swap_ins);
	fprintf(out, "cow copies      %" PRIu64 "\n", p->cow_copies);
	fprintf(out, "segfaults       %" PRIu64 "\n", p->segfaults);
}

/*
 * Whether TLB i's prefetch counters show: the config prefetches there, so
 * that every report of one config has the same keys, or it prefetched anyway.
 */
static bool shows_prefetch(const struct replay_summary *r, unsigned i)
{
	return r->prefetching[i] || r->tlb[i].prefetches || r->tlb[i].prefetch_useless;
}

/* Whether any TLB prefetches (the report then shows the prefetch counters). */
static bool any_prefetch(const struct replay_summary *r)
{
	bool any = r->stats.prefetch_walks != 0;

	for (unsigned i = 0; i < r->nr_tlbs; i++)
		any = any || shows_prefetch(r, i);
	return any;
}

/* The prefetching TLBs' counters, under the TLB table; accuracy = useful / issued. */
static void prefetch_text(FILE *out, const struct replay_summary *r)
{
	fprintf(out, "%-15s %12s %12s %12s %10s\n", "TLB prefetch", "issued", "useful", "useless", "accuracy");
	for (unsigned i = 0; i < r->nr_tlbs; i++) {
		const mmusim_cache_stats *t = &r->tlb[i];
		if (!shows_prefetch(r, i))
			continue;
		fputs("  ", out);
		term_write_padded(out, t->name, 13);
		fprintf(out, " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %9.2f%%\n", t->prefetches, t->prefetch_useful,
			t->prefetch_useless, 100.0 * ratio(t->prefetch_useful, t->prefetches));
	}
	fprintf(out, "prefetch walks  %" PRIu64 "  (%" PRIu64 " pte reads, apart from the demand walks')\n",
		r->stats.prefetch_walks, r->stats.prefetch_pte_reads);
}

static void report_json(FILE *out, const struct replay_summary *r, const struct replay_report_info *info)
{
	const mmusim_stats *s = &r->stats;
	uint64_t total = sum3(s->accesses);

	fputs("{\"trace\":", out);
	json_write_str(out, info->trace);
	fprintf(out, ",\"format\":\"%s\",\"config\":", info->format);
	json_write_str(out, r->config);
	fputc(',', out);
	fprintf(out, "\"accesses\":{\"total\":%" PRIu64 ",\"read\":%" PRIu64 ",\"write\":%" PRIu64
		",\"exec\":%" PRIu64 "},", total, s->accesses[MMUSIM_READ], s->accesses[MMUSIM_WRITE],
		s->accesses[MMUSIM_EXEC]);
	fputs("\"tlb\":{", out);
	for (unsigned i = 0; i < r->nr_tlbs; i++) {
		const mmusim_cache_stats *t = &r->tlb[i];
		fputs(i ? "," : "", out);
		json_write_str(out, t->name);
		fprintf(out, ":{\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 ",\"evictions\":%" PRIu64
			",\"hits_by_page_size\":", t->hits, t->misses, t->evictions);
		json_sizes(out, t->hits_by_page_shift);
		if (shows_prefetch(r, i))
			fprintf(out, ",\"prefetch\":{\"issued\":%" PRIu64 ",\"useful\":%" PRIu64 ",\"useless\":%" PRIu64 "}",
				t->prefetches, t->prefetch_useful, t->prefetch_useless);
		fputc('}', out);
	}
	fputs("},\"pwc\":{", out);
	for (unsigned i = 0; i < r->nr_pwcs; i++) {
		const mmusim_cache_stats *t = &r->pwc[i];
		fprintf(out, "%s\"%u\":{\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 "}", i ? "," : "",
			t->level, t->hits, t->misses);
	}
	fprintf(out, "},\"walks\":%" PRIu64 ",\"walks_by_page_size\":", s->walks);
	bool none = json_sizes_open(out, s->walks_by_page_shift);
	fprintf(out, "%s\"fault\":%" PRIu64 "}", none ? "" : ",", faulted_walks(s));
	fprintf(out, ",\"pte_reads\":%" PRIu64 ",\"pte_reads_per_walk\":%.4f,\"faults\":{", s->pte_reads,
		ratio(s->pte_reads, s->walks));
	for (unsigned k = MMUSIM_FAULT_NONE + 1; k < MMUSIM_FAULT_KIND_COUNT; k++)
		fprintf(out, "%s\"%s\":%" PRIu64, k == MMUSIM_FAULT_NONE + 1 ? "" : ",",
			mmusim_fault_kind_name((enum mmusim_fault_kind)k), s->faults[k]);
	fprintf(out, "},\"demand_paged\":%" PRIu64 ",\"shootdowns\":%" PRIu64 ",\"dirty_rewalks\":%" PRIu64,
		s->demand_paged, s->shootdowns, s->dirty_rewalks);
	if (r->check_stale)
		fprintf(out, ",\"stale_hits\":%" PRIu64, s->stale_hits);
	if (any_prefetch(r))
		fprintf(out, ",\"tlb_prefetch\":{\"walks\":%" PRIu64 ",\"pte_reads\":%" PRIu64 "}", s->prefetch_walks,
			s->prefetch_pte_reads);
	fprintf(out, ",\"page_table\":{\"nodes\":%" PRIu64 ",\"bytes\":%" PRIu64 "}", s->page_table_nodes,
		s->page_table_bytes);
	fprintf(out, ",\"cycles\":%" PRIu64 ",\"cycles_per_access\":%.4f", s->cycles, ratio(s->cycles, total));
	if (cpu_report_wanted(r->mmu))
		cpu_report_json(out, r->mmu);
	if (r->vm)
		nested_json(out, &r->nested);
	if (r->paging)
		paging_json(out, &r->paging_stats);
	if (r->data_caches)
		data_caches_json(out, &r->data_cache_stats);
	if (r->warmup)
		fprintf(out, ",\"warmup\":{\"accesses\":%" PRIu64 ",\"ended\":%s}", r->warmup,
			r->warmup_left ? "false" : "true");
	fputs("}\n", out);
}

static void report_text(FILE *out, const struct replay_summary *r, const struct replay_report_info *info)
{
	const mmusim_stats *s = &r->stats;
	uint64_t total = sum3(s->accesses), nodes = s->page_table_nodes, faults = 0;
	char size[32];

	fputs("replay of ", out);
	term_write(out, info->trace);
	fprintf(out, " (%s) on ", info->format);
	term_write(out, r->config);
	fputc('\n', out);
	fprintf(out, "accesses        %" PRIu64 "  (read %" PRIu64 ", write %" PRIu64 ", exec %" PRIu64 ")\n",
		total, s->accesses[MMUSIM_READ], s->accesses[MMUSIM_WRITE], s->accesses[MMUSIM_EXEC]);
	if (r->nr_tlbs) {
		fprintf(out, "%-15s %12s %12s %12s %10s  %s\n", "TLB", "hits", "misses", "evictions",
			"miss rate", "hits by page size");
		for (unsigned i = 0; i < r->nr_tlbs; i++) {
			const mmusim_cache_stats *t = &r->tlb[i];
			fputs("  ", out);
			term_write_padded(out, t->name, 13);
			fprintf(out, " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %9.2f%%  ",
				t->hits, t->misses, t->evictions, 100.0 * ratio(t->misses, t->hits + t->misses));
			text_sizes(out, t->hits_by_page_shift);
			fputc('\n', out);
		}
	}
	if (any_prefetch(r))
		prefetch_text(out, r);
	if (r->nr_pwcs) {
		fprintf(out, "%-15s %12s %12s %12s %10s\n", "PWC", "hits", "misses", "", "miss rate");
		for (unsigned i = 0; i < r->nr_pwcs; i++) {
			const mmusim_cache_stats *t = &r->pwc[i];
			fprintf(out, "  level %-7u %12" PRIu64 " %12" PRIu64 " %12s %9.2f%%\n", t->level,
				t->hits, t->misses, "", 100.0 * ratio(t->misses, t->hits + t->misses));
		}
	}
	fprintf(out, "walks           %" PRIu64 "  (", s->walks);
	bool none = text_sizes_open(out, s->walks_by_page_shift);
	if (faulted_walks(s))
		fprintf(out, "%sfault %" PRIu64, none ? "" : ", ", faulted_walks(s));
	else if (none)
		fputc('-', out);
	fprintf(out, ")\npte reads       %" PRIu64 "  (%.2f per walk)\n", s->pte_reads,
		ratio(s->pte_reads, s->walks));
	fputs("faults          ", out);
	for (unsigned k = MMUSIM_FAULT_NONE + 1; k < MMUSIM_FAULT_KIND_COUNT; k++) {
		if (!s->faults[k])
			continue;
		fprintf(out, "%s%s %" PRIu64, faults ? ", " : "", mmusim_fault_kind_name((enum mmusim_fault_kind)k),
			s->faults[k]);
		faults += s->faults[k];
	}
	fprintf(out, "%s\n", faults ? "" : "0");
	fprintf(out, "demand paged    %" PRIu64 "\n", s->demand_paged);
	fprintf(out, "shootdowns      %" PRIu64 "\n", s->shootdowns);
	fprintf(out, "dirty re-walks  %" PRIu64 "\n", s->dirty_rewalks);
	if (r->check_stale)
		fprintf(out, "stale hits      %" PRIu64 "\n", s->stale_hits);
	format_size(s->page_table_bytes, size, sizeof(size));
	/* An image's tables were read, not built: "0 nodes" would read as a result. */
	if (info->image_tables && !nodes)
		fputs("page table      the image's (its nodes are not counted)\n", out);
	else
		fprintf(out, "page table      %" PRIu64 " nodes, %s bytes\n", nodes, size);
	fprintf(out, "cycles          %" PRIu64 "  (%.2f per access)\n", s->cycles, ratio(s->cycles, total));
	if (cpu_report_wanted(r->mmu))
		cpu_report_text(out, r->mmu);
	if (r->vm)
		nested_text(out, &r->nested);
	if (r->paging)
		paging_text(out, &r->paging_stats);
	if (r->data_caches)
		data_caches_text(out, &r->data_cache_stats);
}

void replay_summary_from_mmu(struct replay_summary *r, const mmusim_mmu *mmu, const mmusim_config *cfg,
			     bool check_stale)
{
	memset(r, 0, sizeof(*r));
	r->config = mmusim_config_name(cfg);
	r->check_stale = check_stale;
	r->mmu = mmu;
	mmusim_mmu_stats(mmu, &r->stats);
	for (unsigned i = 0; i < mmusim_config_nr_tlbs(cfg) && r->nr_tlbs < REPLAY_SUMMARY_MAX_TLBS; i++)
		if (mmusim_mmu_cache_stats(mmu, false, i, &r->tlb[r->nr_tlbs]) == MMUSIM_OK)
			r->prefetching[r->nr_tlbs++] = mmusim_config_tlb_prefetches(cfg, i);
	for (unsigned i = 0; i < mmusim_config_nr_pwcs(cfg) && r->nr_pwcs < MMUSIM_MAX_LEVELS; i++)
		if (mmusim_mmu_cache_stats(mmu, true, i, &r->pwc[r->nr_pwcs]) == MMUSIM_OK)
			r->nr_pwcs++;
	r->vm = mmusim_mmu_nested_stats(mmu, &r->nested) == MMUSIM_OK;
	r->paging = mmusim_mmu_paging_stats(mmu, &r->paging_stats);
	r->data_caches = mmusim_mmu_data_cache_stats(mmu, &r->data_cache_stats);
	mmusim_mmu_warmup_state(mmu, &r->warmup, &r->warmup_left);
}

uint64_t replay_summary_accesses(const struct replay_summary *r)
{
	return sum3(r->stats.accesses);
}

bool replay_warmup_note(FILE *err, const char *trace, const char *config, const struct replay_summary *r)
{
	if (!r->warmup || (!r->warmup_left && replay_summary_accesses(r)))
		return false;
	fputs("mmusim: ", err);
	term_write(err, trace);
	fputs(": warning: ", err);
	if (config) {
		term_write(err, config);
		fputs(": ", err);
	}
	if (r->warmup_left)
		fprintf(err, "the warm-up (--warmup %" PRIu64 ") never ended: the trace has only %" PRIu64
			" accesses, so nothing was reset and these statistics include the warm-up\n",
			r->warmup, r->warmup - r->warmup_left);
	else
		fprintf(err, "the warm-up (--warmup %" PRIu64 ") took the whole trace: no access is left after it, "
			"these statistics are empty\n", r->warmup);
	return true;
}

void replay_summary_report(FILE *out, bool json, const struct replay_summary *r,
			   const struct replay_report_info *info)
{
	if (json)
		report_json(out, r, info);
	else
		report_text(out, r, info);
}
