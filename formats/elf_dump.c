/*
 * elf_dump: simulated physical memory as an ELF64 core file (layout in
 * elf_dump.h).
 *
 * Two passes over the backed frames, both in ascending PA order: the first
 * merges physically adjacent frames into runs, which fixes every offset in
 * the file; the second streams the frames out behind the headers, through a
 * large stdio buffer.  The file is therefore written front to back, never
 * seeked, and host memory stays at one small entry per run.
 *
 * e_type is ET_CORE: the file is a memory image, not a program.  QEMU's ELF
 * loader (include/hw/elf_ops.h, load_elf) does not look at e_type; it checks
 * the magic, EI_DATA against the target, e_machine when the caller names one
 * (the generic loader passes EM_NONE, so any machine is accepted) and then
 * copies every PT_LOAD to p_paddr.  QEMU's own dump-guest-memory writes
 * ET_CORE with p_paddr = guest PA in the same way.
 */
#include "elf_dump.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/output_file.h"

/* The headers and frame data go out in host byte order. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "elf_dump writes ELFDATA2LSB in host order");

#define WRITE_BUF (1u << 20)
/* e_phnum must stay below PN_XNUM (QEMU does not read extended numbering); one is the note. */
#define MAX_LOADS ((size_t)PN_XNUM - 2)
#define NOTE_NAMESZ (sizeof(ELF_DUMP_NOTE_NAME))                       /* 7 */
#define NOTE_HEAD (sizeof(Elf64_Nhdr) + ((NOTE_NAMESZ + 3) & ~(size_t)3))
#define NOTE_SIZE (NOTE_HEAD + ELF_DUMP_NOTE_DESCSZ)
#define REG_NOTE_SIZE (NOTE_HEAD + ELF_DUMP_NOTE_REG_DESCSZ)

struct run {
	uint64_t pa;
	uint64_t len;
};

struct runs {
	struct run *v;
	size_t n, cap;
	uint64_t frame_size;
};

/* physmem_for_each_backed callback of pass 1: extends the last run or starts one (MM_OK or MM_ENOMEM). */
static int collect_frame(void *arg, uint64_t pa, const uint8_t *data)
{
	struct runs *r = arg;

	(void)data;
	if (r->n && r->v[r->n - 1].pa + r->v[r->n - 1].len == pa) {
		r->v[r->n - 1].len += r->frame_size;
		return MM_OK;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct run *v = realloc(r->v, cap * sizeof(*v));
		if (!v)
			return MM_ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (struct run){ .pa = pa, .len = r->frame_size };
	return MM_OK;
}

struct gap {
	uint64_t size;
	size_t after;      /* the gap between run `after` and run `after + 1` */
};

static int cmp_gap(const void *a, const void *b)
{
	const struct gap *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return x->after < y->after ? -1 : x->after > y->after;
}

/*
 * More runs than PT_LOADs fit: bridge the smallest gaps (their memory reads as
 * zero, so the dump stays exact) until MAX_LOADS runs remain.
 */
static int fit_runs(struct runs *r)
{
	size_t nr_gaps, nr_bridge, out = 0;
	struct gap *g;
	bool *bridge;

	if (r->n <= MAX_LOADS)
		return MM_OK;
	nr_gaps = r->n - 1;
	nr_bridge = r->n - MAX_LOADS;
	g = malloc(nr_gaps * sizeof(*g));
	bridge = calloc(nr_gaps, sizeof(*bridge));
	if (!g || !bridge) {
		free(g);
		free(bridge);
		return MM_ENOMEM;
	}
	for (size_t i = 0; i < nr_gaps; i++)
		g[i] = (struct gap){ .size = r->v[i + 1].pa - (r->v[i].pa + r->v[i].len), .after = i };
	qsort(g, nr_gaps, sizeof(*g), cmp_gap);
	for (size_t i = 0; i < nr_bridge; i++)
		bridge[g[i].after] = true;
	for (size_t i = 0; i < r->n; i++) {
		if (i && bridge[i - 1])
			r->v[out - 1].len = r->v[i].pa + r->v[i].len - r->v[out - 1].pa;
		else
			r->v[out++] = r->v[i];
	}
	r->n = out;
	free(g);
	free(bridge);
	return MM_OK;
}

struct writer {
	FILE *f;
	const struct run *runs;
	size_t nr_runs;
	size_t r;           /* run the next frame belongs to */
	uint64_t cursor;    /* PA of the next byte the file expects */
	uint64_t frame_size;
	int saved_errno;    /* errno of the first failed write */
};

/* put and put_zeros: MM_OK, or MM_EIO with the errno kept in w->saved_errno. */
static int put(struct writer *w, const void *p, size_t n)
{
	if (fwrite(p, 1, n, w->f) != n) {
		w->saved_errno = errno ? errno : EIO;
		return MM_EIO;
	}
	return MM_OK;
}

static int put_zeros(struct writer *w, uint64_t n)
{
	static const uint8_t zeros[4096];

	while (n) {
		size_t chunk = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);
		if (put(w, zeros, chunk))
			return MM_EIO;
		n -= chunk;
	}
	return MM_OK;
}

/*
 * physmem_for_each_backed callback of pass 2: zeros for bridged gaps, then
 * the frame.  MM_OK; MM_EINVAL for a frame pass 1 did not see; MM_EIO when a
 * write failed.
 */
static int emit_frame(void *arg, uint64_t pa, const uint8_t *data)
{
	struct writer *w = arg;

	while (pa >= w->runs[w->r].pa + w->runs[w->r].len) {
		if (++w->r == w->nr_runs)
			return MM_EINVAL;   /* a frame pass 1 did not see */
		w->cursor = w->runs[w->r].pa;
	}
	if (pa < w->cursor)
		return MM_EINVAL;
	if (put_zeros(w, pa - w->cursor) || put(w, data, w->frame_size))
		return MM_EIO;
	w->cursor = pa + w->frame_size;
	return MM_OK;
}

static void fill_ehdr(Elf64_Ehdr *eh, uint16_t e_machine, size_t nr_phdrs)
{
	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELFOSABI_SYSV;
	eh->e_type = ET_CORE;
	eh->e_machine = e_machine;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (uint16_t)nr_phdrs;
	eh->e_shstrndx = SHN_UNDEF;
}

/* A note's header and name, and the name that opens its descriptor; returns the descriptor. */
static uint8_t *fill_note_head(uint8_t *out, size_t size, uint32_t type, const char *name)
{
	Elf64_Nhdr nh = { .n_namesz = NOTE_NAMESZ, .n_descsz = (uint32_t)(size - NOTE_HEAD), .n_type = type };

	memset(out, 0, size);
	memcpy(out, &nh, sizeof(nh));
	memcpy(out + sizeof(nh), ELF_DUMP_NOTE_NAME, NOTE_NAMESZ);
	memcpy(out + NOTE_HEAD, name, strlen(name));   /* checked: NUL within 16; the rest stays NUL */
	return out + NOTE_HEAD;
}

static void fill_note(uint8_t out[NOTE_SIZE], const struct elf_dump_root *root)
{
	uint8_t *desc = fill_note_head(out, NOTE_SIZE, ELF_DUMP_NOTE_ROOT, root->name);

	memcpy(desc + 16, &root->root, 8);
	memcpy(desc + 24, &root->reg, 8);
}

static void fill_reg_note(uint8_t out[REG_NOTE_SIZE], const struct elf_dump_reg *reg)
{
	uint8_t *desc = fill_note_head(out, REG_NOTE_SIZE, ELF_DUMP_NOTE_REG, reg->name);

	memcpy(desc + 16, &reg->value, 8);
}

/* Ehdr, Phdrs, notes and the zeros up to the first frame-aligned offset: MM_OK or MM_EIO. */
static int write_headers(struct writer *w, uint16_t e_machine, const struct elf_dump_root *roots,
			 size_t nr_roots, const struct elf_dump_reg *regs, size_t nr_regs)
{
	uint64_t fs = w->frame_size;
	uint64_t note_off = sizeof(Elf64_Ehdr) + (1 + w->nr_runs) * sizeof(Elf64_Phdr);
	uint64_t note_end = note_off + nr_roots * NOTE_SIZE + nr_regs * REG_NOTE_SIZE;
	uint64_t first_data = w->nr_runs ? (note_end + fs - 1) & ~(fs - 1) : note_end;
	uint64_t data_off = first_data;
	Elf64_Ehdr eh;
	Elf64_Phdr ph = {
		.p_type = PT_NOTE,
		.p_offset = note_off,
		.p_filesz = note_end - note_off,
		.p_align = 4,
	};
	uint8_t note[NOTE_SIZE], reg_note[REG_NOTE_SIZE];

	fill_ehdr(&eh, e_machine, 1 + w->nr_runs);
	if (put(w, &eh, sizeof(eh)) || put(w, &ph, sizeof(ph)))
		return MM_EIO;
	for (size_t i = 0; i < w->nr_runs; i++) {
		ph = (Elf64_Phdr){
			.p_type = PT_LOAD,
			.p_flags = PF_R | PF_W,
			.p_offset = data_off,
			.p_vaddr = w->runs[i].pa,
			.p_paddr = w->runs[i].pa,
			.p_filesz = w->runs[i].len,
			.p_memsz = w->runs[i].len,
			.p_align = fs,
		};
		if (put(w, &ph, sizeof(ph)))
			return MM_EIO;
		data_off += w->runs[i].len;
	}
	for (size_t i = 0; i < nr_roots; i++) {
		fill_note(note, &roots[i]);
		if (put(w, note, sizeof(note)))
			return MM_EIO;
	}
	for (size_t i = 0; i < nr_regs; i++) {
		fill_reg_note(reg_note, &regs[i]);
		if (put(w, reg_note, sizeof(reg_note)))
			return MM_EIO;
	}
	return put_zeros(w, first_data - note_end);
}

int elf_dump_write(const char *path, const struct physmem *pm, uint16_t e_machine,
		   const struct elf_dump_root *roots, size_t nr_roots, const struct elf_dump_reg *regs,
		   size_t nr_regs, struct mm_error *err)
{
	struct runs runs = { .frame_size = physmem_frame_size(pm) };
	struct writer w = { .frame_size = runs.frame_size };
	struct output_file *out;
	struct mm_error commit_err;
	char *buf = NULL;
	int rc;

	/* EM_386: x86 32-bit paging; EM_NONE: the toy format, which no real machine has. */
	if (e_machine != EM_X86_64 && e_machine != EM_RISCV && e_machine != EM_AARCH64 && e_machine != EM_386 &&
	    e_machine != EM_NONE)
		return mm_error_set(err, MM_EINVAL,
				    "%s: e_machine %u is not EM_X86_64, EM_RISCV, EM_AARCH64, EM_386 or EM_NONE",
				    path, e_machine);
	for (size_t i = 0; i < nr_roots; i++)
		if (!memchr(roots[i].name, '\0', sizeof(roots[i].name)))
			return mm_error_set(err, MM_EINVAL, "%s: root %zu: name is not NUL-terminated",
					    path, i);
	for (size_t i = 0; i < nr_regs; i++)
		if (!memchr(regs[i].name, '\0', sizeof(regs[i].name)))
			return mm_error_set(err, MM_EINVAL, "%s: register %zu: name is not NUL-terminated",
					    path, i);
	rc = physmem_for_each_backed(pm, collect_frame, &runs);
	if (rc == MM_OK)
		rc = fit_runs(&runs);
	if (rc != MM_OK) {
		free(runs.v);
		return mm_error_set(err, MM_ENOMEM, "%s: out of host memory", path);
	}
	w.runs = runs.v;
	w.nr_runs = runs.n;

	/* Whole or not at all: a dump that fails leaves whatever had the name (output_file.h). */
	if ((rc = output_file_open(path, &out, err)) != MM_OK) {
		free(runs.v);
		return rc;
	}
	if (!(w.f = output_file_stream(out))) {
		output_file_abort(out);
		free(runs.v);
		return mm_error_set(err, MM_ENOMEM, "%s: out of host memory", path);
	}
	buf = malloc(WRITE_BUF);
	if (buf)
		setvbuf(w.f, buf, _IOFBF, WRITE_BUF);

	errno = 0;
	rc = write_headers(&w, e_machine, roots, nr_roots, regs, nr_regs);
	if (rc == MM_OK && w.nr_runs) {
		w.cursor = runs.v[0].pa;
		rc = physmem_for_each_backed(pm, emit_frame, &w);
		if (rc == MM_OK && (w.r != w.nr_runs - 1 ||
				    w.cursor != runs.v[w.r].pa + runs.v[w.r].len))
			rc = MM_EINVAL;   /* a frame pass 1 saw is gone */
	}
	if (rc == MM_OK && output_file_commit(out, &commit_err) != MM_OK) {
		free(buf);
		free(runs.v);
		if (err)
			*err = commit_err;
		return commit_err.code;
	}
	if (rc != MM_OK)
		output_file_abort(out);
	free(buf);
	free(runs.v);

	if (rc == MM_OK)
		return MM_OK;
	if (rc == MM_EIO)
		return mm_error_set(err, MM_EIO, "%s: write error: %s", path, strerror(w.saved_errno));
	if (rc == MM_ENOMEM)
		return mm_error_set(err, MM_ENOMEM, "%s: out of host memory", path);
	return mm_error_set(err, MM_EINVAL, "%s: physical memory changed during the dump", path);
}
