/*
 * access_detail: one translation's record as a JSON line (see access_detail.h).
 *
 * The line is built in a buffer by hand and written with one fwrite: a log
 * line per translation made the replay an order of magnitude slower through
 * fprintf, most of it in parsing the format.
 */
#include "access_detail.h"

#include <string.h>

#include "sim/cache_hierarchy.h"

/*
 * Longest line: the fixed keys (~350 bytes), a 31-byte name escaped, 5 PWC
 * probes, 5 PTEs of ~90 bytes, 35 stage-2 reads of ~75 bytes.
 */
struct line {
	size_t n;
	char buf[4096];
};

static void put(struct line *l, const char *s)
{
	size_t k = strlen(s);

	memcpy(l->buf + l->n, s, k);
	l->n += k;
}

static void put_dec(struct line *l, uint64_t v)
{
	char t[20];
	unsigned i = 0;

	do
		t[i++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (i)
		l->buf[l->n++] = t[--i];
}

/* "0x..." in lower-case hex, as a JSON string. */
static void put_hex(struct line *l, uint64_t v)
{
	char t[16];
	unsigned i = 0;

	put(l, "\"0x");
	do
		t[i++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4) != 0);
	while (i)
		l->buf[l->n++] = t[--i];
	l->buf[l->n++] = '"';
}

static void put_bool(struct line *l, bool b)
{
	put(l, b ? "true" : "false");
}

/* A config name as a JSON string: names are plain words, but a quote or backslash must not break the line. */
static void put_name(struct line *l, const char *name)
{
	l->buf[l->n++] = '"';
	for (size_t i = 0; name[i] && i < sizeof(((struct tlb_config *)0)->name); i++) {
		if (name[i] == '"' || name[i] == '\\')
			l->buf[l->n++] = '\\';
		if ((unsigned char)name[i] >= 0x20)
			l->buf[l->n++] = name[i];
	}
	l->buf[l->n++] = '"';
}

static const char *const served_names[] = { "l1", "l2", "walk", "none" };
static const char *const rewalk_names[] = { NULL, "dirty", "refused" };

void access_detail_write_json(FILE *f, const struct machine_config *cfg, const struct access_detail *d)
{
	struct line l = { 0 };

	put(&l, "{\"i\":");
	put_dec(&l, d->index);
	put(&l, ",\"cpu\":");
	put_dec(&l, d->cpu);
	put(&l, ",\"vm\":");
	put_dec(&l, d->vmid);
	put(&l, ",\"asid\":");
	put_dec(&l, d->asid);
	put(&l, ",\"priv\":\"");
	put(&l, privilege_name(d->priv));
	put(&l, "\",\"va\":");
	put_hex(&l, d->va);
	put(&l, ",\"access\":\"");
	put(&l, access_kind_name(d->access));
	put(&l, "\",\"served\":\"");
	put(&l, served_names[d->served]);
	put(&l, "\",\"tlb\":");
	if (d->tlb >= 0)
		put_name(&l, cfg->tlb[d->tlb].name);
	else
		put(&l, "null");
	if (d->rewalk != REWALK_NONE) {
		put(&l, ",\"rewalk\":\"");
		put(&l, rewalk_names[d->rewalk]);
		put(&l, "\"");
	}
	put(&l, ",\"pwc\":[");
	for (unsigned i = 0; i < d->nr_pwc; i++) {
		put(&l, i ? ",{\"level\":" : "{\"level\":");
		put_dec(&l, d->pwc[i].level);
		put(&l, ",\"hit\":");
		put_bool(&l, d->pwc[i].hit);
		put(&l, "}");
	}
	put(&l, "],\"ptes\":[");
	for (unsigned i = 0; i < d->nr_ptes; i++) {
		put(&l, i ? ",{\"level\":" : "{\"level\":");
		put_dec(&l, d->pte[i].level);
		put(&l, ",\"addr\":");
		put_hex(&l, d->pte[i].addr);
		if (d->pte[i].has_hpa) {
			put(&l, ",\"hpa\":");
			put_hex(&l, d->pte[i].hpa);
		}
		put(&l, ",\"from\":\"");
		put(&l, cache_level_name((enum cache_level)d->pte[i].from));
		put(&l, "\"}");
	}
	if (d->vm) {
		put(&l, "],\"stage2\":[");
		for (unsigned i = 0; i < d->nr_stage2; i++) {
			put(&l, i ? ",{\"for\":" : "{\"for\":");
			put_dec(&l, d->stage2[i].guest_level);
			put(&l, ",\"level\":");
			put_dec(&l, d->stage2[i].level);
			put(&l, ",\"addr\":");
			put_hex(&l, d->stage2[i].addr);
			put(&l, ",\"from\":\"");
			put(&l, cache_level_name((enum cache_level)d->stage2[i].from));
			put(&l, "\"}");
		}
	}
	put(&l, "],\"walks\":");
	put_dec(&l, d->walks);
	put(&l, ",\"pte_reads\":");
	put_dec(&l, d->pte_reads);
	put(&l, ",\"cycles\":");
	put_dec(&l, d->cycles);
	if (d->set_accessed || d->set_dirty) {
		put(&l, ",\"set_a\":");
		put_bool(&l, d->set_accessed);
		put(&l, ",\"set_d\":");
		put_bool(&l, d->set_dirty);
	}
	if (d->ok) {
		put(&l, ",\"pa\":");
		put_hex(&l, d->pa);
		put(&l, ",\"page_size\":");
		put_dec(&l, d->page_size);
	} else {
		put(&l, ",\"fault\":\"");
		put(&l, fault_kind_name(d->fault));
		put(&l, "\"");
	}
	if (d->paged_in)
		put(&l, ",\"paged_in\":true");
	put(&l, "}\n");
	fwrite(l.buf, 1, l.n, f);
}
