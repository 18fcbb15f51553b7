/*
 * image: physical memory backed by a mapped file (see image.h for the model).
 *
 * Open: the file is mapped once, MAP_PRIVATE and writable (MAP_NORESERVE where
 * the host has it, so a multi-GiB core needs no commit charge), then parsed
 * into an array of segments.  Every field of the ELF header, the program
 * headers and the notes is range-checked against the file size before use,
 * with no pointer arithmetic that could overflow: a malformed file is an error
 * message, never a read outside the mapping.  ELF fields are decoded byte by
 * byte (little-endian, any alignment), so nothing depends on the host.
 *
 * Lookup: segments are sorted by PA and do not overlap (checked at open), so
 * the segment holding an address is the last one starting at or below it: a
 * binary search.  A walk reads a handful of PTEs from the same few frames, so
 * a one-entry cache of the last segment hit answers almost every read before
 * the search.  Invariant: segs[last] is always a valid segment (an image has
 * at least one), and every segment's [data, data+filesz) lies inside the map.
 */
#define _DEFAULT_SOURCE /* MAP_NORESERVE */
#include "image.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sim/byteorder.h"
#include "image_foreign.h"
#include "image_ostep.h"
#include "image_ostep_linear.h"
#include "image_qemu_note.h"
#include "image_vmcoreinfo.h"

struct image_seg {
	uint64_t pa;
	uint64_t len;       /* bytes of PA space: max(p_filesz, p_memsz) */
	uint64_t filesz;    /* the first filesz bytes come from data; the rest read as zero */
	uint8_t *data;      /* inside the map */
	unsigned phdr;      /* program header index, for messages */
	uint64_t vaddr;     /* an ELF PT_LOAD's p_vaddr, for aliases and messages */
	bool by_vaddr;      /* an ELF PT_LOAD whose p_vaddr is not its p_paddr (a mapping's view) */
};

struct image_root_note {
	char name[16];
	uint64_t root;
	uint64_t reg;
};

/* A register note: the same name prefix, then one value. */
struct image_reg_note {
	char name[16];
	uint64_t value;
};

struct image {
	uint8_t *map;
	size_t map_len;
	struct image_seg *segs;
	size_t nr_segs, cap_segs;
	size_t last;                /* cache: the segment hit last */
	struct image_root_note *roots;
	size_t nr_roots, cap_roots;
	struct image_reg_note *regs;
	size_t nr_regs, cap_regs;
	unsigned elf_machine;       /* e_machine of an ELF image; 0 (EM_NONE) for the others */
	unsigned paging_levels;     /* the levels the recorded root's CPU walks, where a note says; else 0 */
	struct ostep_dump *ostep;   /* an OSTEP homework dump: the segments' bytes, decoded from the text */
	struct ostep_linear linear; /* OSTEP's linear page table: its one segment's bytes */
};

/* mmusim's own note: name "MMUSIM", type 0x4d4d0001, desc {char name[16]; u64 root; u64 reg}. */
#define MMUSIM_NOTE_NAME "MMUSIM"
#define MMUSIM_NOTE_ROOT 0x4d4d0001u /* as sim/elf_dump.h writes it */
#define MMUSIM_NOTE_DESC 32u
/* ... and its register note: type 0x4d4d0002, desc {char name[16]; u64 value}. */
#define MMUSIM_NOTE_REG 0x4d4d0002u
#define MMUSIM_NOTE_REG_DESC 24u

/* ---- errors ---- */

/* Sets *err to "PATH: message" and returns code. */
static int fail(struct mm_error *err, const char *path, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct mm_error *err, const char *path, int code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mm_error_set(err, code, "%s: %s", path, msg);
}

/* ---- little-endian access ---- */

/* A field of an ELF struct at byte pointer p, e.g. FIELD(p, Elf64_Phdr, p_offset). */
#define FIELD(p, type, member) \
	load_le((p) + offsetof(type, member), (unsigned)sizeof(((type *)0)->member))

/* ---- building ---- */

/*
 * Room for one more element in the array *v of n elements (capacity *cap,
 * doubling from `first`): MM_OK, or MM_ENOMEM with the array unchanged.
 */
static int reserve(void **v, size_t n, size_t *cap, size_t elem, size_t first)
{
	void *grown;
	size_t c;

	if (n < *cap)
		return MM_OK;
	c = *cap ? *cap * 2 : first;
	if (!(grown = realloc(*v, c * elem)))
		return MM_ENOMEM;
	*v = grown;
	*cap = c;
	return MM_OK;
}

static int push_seg(struct image *img, const struct image_seg *s)
{
	if (reserve((void **)&img->segs, img->nr_segs, &img->cap_segs, sizeof(*img->segs), 8))
		return MM_ENOMEM;
	img->segs[img->nr_segs++] = *s;
	return MM_OK;
}

/* A note descriptor's leading name (its NUL within 16 bytes: checked), NUL-padded. */
static void note_name(char name[16], const uint8_t *desc)
{
	memset(name, 0, 16);
	memcpy(name, desc, strlen((const char *)desc));
}

static int push_root(struct image *img, const uint8_t *desc)
{
	struct image_root_note *r;

	if (reserve((void **)&img->roots, img->nr_roots, &img->cap_roots, sizeof(*img->roots), 4))
		return MM_ENOMEM;
	r = &img->roots[img->nr_roots++];
	note_name(r->name, desc);
	r->root = load_le(desc + 16, 8);
	r->reg = load_le(desc + 24, 8);
	return MM_OK;
}

static int push_reg(struct image *img, const uint8_t *desc)
{
	struct image_reg_note *r;

	if (reserve((void **)&img->regs, img->nr_regs, &img->cap_regs, sizeof(*img->regs), 8))
		return MM_ENOMEM;
	r = &img->regs[img->nr_regs++];
	note_name(r->name, desc);
	r->value = load_le(desc + 16, 8);
	return MM_OK;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct image_seg *x = a, *y = b;

	if (x->pa != y->pa)
		return x->pa < y->pa ? -1 : 1;
	return x->phdr < y->phdr ? -1 : x->phdr > y->phdr;
}

/* ---- ELF ---- */

static bool is_mmusim_name(const uint8_t *name, uint64_t namesz)
{
	/* "MMUSIM\0" as the ELF spec asks; also accept the name without its NUL. */
	return (namesz == sizeof(MMUSIM_NOTE_NAME) || namesz == sizeof(MMUSIM_NOTE_NAME) - 1) &&
	       memcmp(name, MMUSIM_NOTE_NAME, namesz) == 0;
}

/*
 * Walks the notes in one PT_NOTE segment [p, p+size): 12-byte header, name and
 * descriptor each padded to `align` from the segment start.  Trailing bytes
 * too short for a header are ignored (some writers pad the segment).
 */
static int parse_notes(struct image *img, const char *path, const uint8_t *p, uint64_t size,
		       uint64_t align, unsigned phdr, uint64_t machine, struct mm_error *err)
{
	uint64_t pos = 0;

	while (size - pos >= sizeof(Elf64_Nhdr)) {
		const uint8_t *h = p + pos;
		uint64_t namesz = FIELD(h, Elf64_Nhdr, n_namesz);
		uint64_t descsz = FIELD(h, Elf64_Nhdr, n_descsz);
		uint64_t type = FIELD(h, Elf64_Nhdr, n_type);
		const uint8_t *name, *desc;
		unsigned want;

		pos += sizeof(Elf64_Nhdr);
		if (namesz > size - pos)
			return fail(err, path, MM_EINVAL, "segment %u: truncated note", phdr);
		name = p + pos;
		pos += namesz;
		pos = (pos + align - 1) & ~(align - 1);
		if (pos > size)
			pos = size;
		if (descsz > size - pos)
			return fail(err, path, MM_EINVAL, "segment %u: truncated note", phdr);
		desc = p + pos;
		pos += descsz;
		pos = (pos + align - 1) & ~(align - 1);
		if (pos > size)
			pos = size;

		if (machine == EM_X86_64 || machine == EM_386) {
			uint64_t cr[5];
			/*
			 * QEMU's cores: the first CPU's CR3 (its address bits; flags and PCID below) is
			 * the root, its CR0 and CR4 register notes (paging mode, WP, SMEP, SMAP, PKE).
			 */
			if (!img->nr_roots && image_qemu_x86_cpu(name, namesz, type, desc, descsz, cr)) {
				uint8_t d[32] = "cr3", r0[24] = "cr0", r4[24] = "cr4";
				store_le(d + 16, 8, cr[3] & (machine == EM_X86_64 ? 0x000ffffffffff000ull : 0xfffff000ull));
				store_le(d + 24, 8, cr[3]);
				store_le(r0 + 16, 8, cr[0]);
				store_le(r4 + 16, 8, cr[4]);
				if (push_root(img, d) || push_reg(img, r0) || push_reg(img, r4))
					return fail(err, path, MM_ENOMEM, "out of memory");
				continue;
			}
		}
		if (machine == EM_X86_64) {
			uint64_t root;
			unsigned levels;
			/* A Linux vmcore: the kernel's own table (init_top_pgt), and whether it has 5 levels. */
			if (!img->nr_roots &&
			    image_vmcoreinfo_x86_64_root(name, namesz, type, desc, descsz, &root, &levels)) {
				uint8_t d[32] = "init_top_pgt";
				store_le(d + 16, 8, root);
				store_le(d + 24, 8, root);
				if (push_root(img, d))
					return fail(err, path, MM_ENOMEM, "out of memory");
				img->paging_levels = levels;
				continue;
			}
		}
		if ((type != MMUSIM_NOTE_ROOT && type != MMUSIM_NOTE_REG) || !is_mmusim_name(name, namesz))
			continue;
		want = type == MMUSIM_NOTE_ROOT ? MMUSIM_NOTE_DESC : MMUSIM_NOTE_REG_DESC;
		if (descsz != want)
			return fail(err, path, MM_EINVAL,
				    "segment %u: MMUSIM %s note has a %" PRIu64 "-byte descriptor, expected %u",
				    phdr, type == MMUSIM_NOTE_ROOT ? "root" : "register", descsz, want);
		if (!memchr(desc, 0, 16))
			return fail(err, path, MM_EINVAL,
				    "segment %u: MMUSIM note name is not NUL-terminated", phdr);
		if (type == MMUSIM_NOTE_ROOT ? push_root(img, desc) : push_reg(img, desc))
			return fail(err, path, MM_ENOMEM, "out of memory");
	}
	return MM_OK;
}

/*
 * Where the fields parse_elf reads lie in one ELF class.  QEMU writes ELF32 cores of
 * 32-bit guests (qemu-system-riscv32's dump-guest-memory), ELF64 of the others; notes
 * have the same layout in both classes.
 */
struct elf_field {
	uint8_t off, size;
};

struct elf_layout {
	unsigned ehdr_size, phdr_size, shdr_size;
	struct elf_field machine, phoff, phentsize, phnum, shoff, shentsize, sh_info;
	struct elf_field p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#define ELF_FIELD(type, member) { offsetof(type, member), sizeof(((type *)0)->member) }
#define ELF_LAYOUT(C)                                                                     \
	{                                                                                  \
		sizeof(Elf##C##_Ehdr), sizeof(Elf##C##_Phdr), sizeof(Elf##C##_Shdr),       \
		ELF_FIELD(Elf##C##_Ehdr, e_machine),                                       \
		ELF_FIELD(Elf##C##_Ehdr, e_phoff), ELF_FIELD(Elf##C##_Ehdr, e_phentsize),  \
		ELF_FIELD(Elf##C##_Ehdr, e_phnum), ELF_FIELD(Elf##C##_Ehdr, e_shoff),      \
		ELF_FIELD(Elf##C##_Ehdr, e_shentsize), ELF_FIELD(Elf##C##_Shdr, sh_info),  \
		ELF_FIELD(Elf##C##_Phdr, p_type), ELF_FIELD(Elf##C##_Phdr, p_offset),      \
		ELF_FIELD(Elf##C##_Phdr, p_vaddr),                                         \
		ELF_FIELD(Elf##C##_Phdr, p_paddr), ELF_FIELD(Elf##C##_Phdr, p_filesz),     \
		ELF_FIELD(Elf##C##_Phdr, p_memsz), ELF_FIELD(Elf##C##_Phdr, p_align),      \
	}

static const struct elf_layout elf32_layout = ELF_LAYOUT(32);
static const struct elf_layout elf64_layout = ELF_LAYOUT(64);

static uint64_t elf_get(const uint8_t *p, struct elf_field f)
{
	return load_le(p + f.off, f.size);
}

enum alias { NO_ALIAS, ALIAS_DROPPED, ALIAS_TRIMMED };

/*
 * A kdump vmcore (/proc/vmcore, makedumpfile -E) lists memory by mapping, p_vaddr
 * the kernel's VA: its kernel text segment holds physical memory a direct-map
 * segment holds too.  Segment b (next by PA) that overlaps the kept segment a
 * is such an alias when one of them is listed by VA (p_vaddr != p_paddr),
 * both have the overlap from the file, and its bytes are the same in both: b
 * is then trimmed to start where a ends, or dropped when it ends inside it.
 * *budget (the file size at first) bounds the bytes compared, so a file of
 * many aliases cannot make the open slow.  NO_ALIAS when the overlap is no
 * alias (two segments at PA 0, as in a process core, is never one).
 */
static enum alias seg_alias(const struct image_seg *a, struct image_seg *b, uint64_t *budget)
{
	uint64_t over, shared;

	if (b->pa - a->pa >= a->len || (a->pa == 0 && b->pa == 0) || !(a->by_vaddr || b->by_vaddr))
		return NO_ALIAS;
	over = b->pa - a->pa;
	shared = a->len - over < b->len ? a->len - over : b->len;
	if (a->filesz < over + shared || b->filesz < shared || shared > *budget)
		return NO_ALIAS;
	if (a->data + over != b->data && memcmp(a->data + over, b->data, shared) != 0)
		return NO_ALIAS;
	*budget -= shared;
	if (shared == b->len)
		return ALIAS_DROPPED;
	b->pa += shared;
	b->data += shared;
	b->filesz -= shared;
	b->len -= shared;
	return ALIAS_TRIMMED;
}

/* Two segments, a before b by PA, that overlap and are no alias: why the dump is refused. */
static int overlap_error(const struct image_seg *a, const struct image_seg *b, bool all_pa0,
			 const char *path, struct mm_error *err)
{
	unsigned lo = a->phdr < b->phdr ? a->phdr : b->phdr, hi = a->phdr < b->phdr ? b->phdr : a->phdr;

	/* QEMU's dump-guest-memory -p: real VAs, a PA listed once per mapping (zero p_paddr is PA 0 here). */
	if (!all_pa0 && a->vaddr && b->vaddr && a->by_vaddr && b->by_vaddr)
		return fail(err, path, MM_EINVAL,
			    "segments %u and %u overlap: both hold physical address 0x%" PRIx64 ", listed by "
			    "virtual address (0x%" PRIx64 ", 0x%" PRIx64 "), as QEMU dump-guest-memory -p "
			    "writes memory once per mapping, leaving out what no VA maps (page tables too): "
			    "write the dump without -p",
			    lo, hi, b->pa, a->phdr < b->phdr ? a->vaddr + (b->pa - a->pa) : b->vaddr,
			    a->phdr < b->phdr ? b->vaddr : a->vaddr + (b->pa - a->pa));
	/* A process core (gcore, a crashed program's) leaves every p_paddr 0. */
	if (b->pa == 0 && a->pa == 0)
		return fail(err, path, MM_EINVAL,
			    "segments %u and %u overlap: both start at physical address 0, as in a process "
			    "core (its memory by virtual address in p_vaddr), which is not a physical-memory dump",
			    lo, hi);
	return fail(err, path, MM_EINVAL, "segments %u and %u overlap", lo, hi);
}

/*
 * The segments, sorted by PA, keep the first of each overlap: an alias of the
 * last kept segment is dropped or trimmed (seg_alias), any other overlap is
 * refused.  A trimmed segment now starts where the kept one ends, at or past
 * the PA of every segment waiting in the queue of trimmed ones, so that queue
 * stays sorted and merges with the rest of the array.  Each segment is looked
 * at a bounded number of times (a trim costs the budget a byte or more): a
 * dump of a million aliases opens in linear time (moving the array along for
 * each took minutes).
 */
static int resolve_overlaps(struct image *img, const char *path, uint64_t budget, struct mm_error *err)
{
	size_t n = img->nr_segs, r = 1, w = 1, head = 0, queued = 0;
	struct image_seg *queue;
	bool all_pa0 = true;

	if (n < 2)
		return MM_OK;
	for (size_t k = 0; k < n; k++)
		all_pa0 &= img->segs[k].pa == 0;
	/* Every segment but the first kept one is in the queue at most once. */
	queue = malloc(n * sizeof(*queue));
	if (!queue)
		return fail(err, path, MM_ENOMEM, "out of memory");
	while (r < n || queued) {
		const struct image_seg *a = &img->segs[w - 1];
		struct image_seg b;
		int rc;

		/* A trimmed segment goes before an untouched one at its PA. */
		if (queued && (r == n || queue[head].pa <= img->segs[r].pa)) {
			b = queue[head];
			head = (head + 1) % n;
			queued--;
		} else {
			b = img->segs[r++];
		}
		switch (seg_alias(a, &b, &budget)) {
		case ALIAS_DROPPED:
			continue;
		case ALIAS_TRIMMED:
			queue[(head + queued++) % n] = b;
			continue;
		case NO_ALIAS:
			break;
		}
		if (b.pa - a->pa < a->len) {
			rc = overlap_error(a, &b, all_pa0, path, err);
			free(queue);
			return rc;
		}
		/* Kept segments and queued ones account for r - 1 of the r read: slot w is free. */
		img->segs[w++] = b;
	}
	free(queue);
	img->nr_segs = w;
	return MM_OK;
}

static int parse_elf(struct image *img, const char *path, struct mm_error *err)
{
	const uint8_t *f = img->map;
	uint64_t size = img->map_len;
	uint64_t phoff, phentsize, phnum;
	/* Notes lie in the file: more note bytes than it has are segments listing the same notes again. */
	uint64_t note_budget = size;
	const struct elf_layout *L;

	if (size < SELFMAG || memcmp(f, ELFMAG, SELFMAG) != 0 ||
	    (size > EI_CLASS && f[EI_CLASS] != ELFCLASS64 && f[EI_CLASS] != ELFCLASS32) ||
	    (size > EI_DATA && f[EI_DATA] != ELFDATA2LSB))
		return fail(err, path, MM_EINVAL, "not a little-endian ELF32 or ELF64 file");
	L = size > EI_CLASS && f[EI_CLASS] == ELFCLASS32 ? &elf32_layout : &elf64_layout;
	if (size < L->ehdr_size)
		return fail(err, path, MM_EINVAL, "truncated ELF header");

	img->elf_machine = (unsigned)elf_get(f, L->machine);
	phoff = elf_get(f, L->phoff);
	phentsize = elf_get(f, L->phentsize);
	phnum = elf_get(f, L->phnum);
	if (phnum == PN_XNUM) {
		/* The real count is in section header 0's sh_info. */
		uint64_t shoff = elf_get(f, L->shoff);
		uint64_t shentsize = elf_get(f, L->shentsize);

		if (shoff == 0 || shentsize < L->shdr_size || shoff > size ||
		    size - shoff < L->shdr_size)
			return fail(err, path, MM_EINVAL,
				    "e_phnum is PN_XNUM but section header 0 is outside the file");
		phnum = elf_get(f + shoff, L->sh_info);
	}
	if (phnum && phentsize < L->phdr_size)
		return fail(err, path, MM_EINVAL, "bad e_phentsize %" PRIu64 " (expected %u)",
			    phentsize, L->phdr_size);
	if (phnum && (phoff > size || (size - phoff) / phentsize < phnum))
		return fail(err, path, MM_EINVAL, "program headers outside the file");

	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + i * phentsize;
		uint64_t type = elf_get(ph, L->p_type);
		uint64_t off = elf_get(ph, L->p_offset);
		uint64_t filesz = elf_get(ph, L->p_filesz);
		unsigned n = (unsigned)i;

		if ((type != PT_LOAD && type != PT_NOTE) || filesz == 0)
			continue;
		if (off > size || size - off < filesz)
			return fail(err, path, MM_EINVAL,
				    "segment %u (%s) is file bytes 0x%" PRIx64 " + 0x%" PRIx64
				    ", past the end of the file (0x%" PRIx64 " bytes): the file is truncated",
				    n, type == PT_NOTE ? "notes" : "memory", off, filesz, size);
		if (type == PT_NOTE && filesz > note_budget)
			return fail(err, path, MM_EINVAL,
				    "segment %u (notes) and the notes segments before it hold more bytes than the "
				    "file (0x%" PRIx64 "): they overlap, listing the same notes again",
				    n, size);
		if (type == PT_NOTE) {
			uint64_t align = elf_get(ph, L->p_align) == 8 ? 8 : 4;
			int rc = parse_notes(img, path, f + off, filesz, align, n, img->elf_machine, err);

			note_budget -= filesz;
			if (rc)
				return rc;
		} else {
			uint64_t memsz = elf_get(ph, L->p_memsz);
			struct image_seg s = {
				.pa = elf_get(ph, L->p_paddr),
				.len = memsz > filesz ? memsz : filesz,
				.filesz = filesz,
				.data = img->map + off,
				.phdr = n,
				.vaddr = elf_get(ph, L->p_vaddr),
				.by_vaddr = elf_get(ph, L->p_vaddr) != elf_get(ph, L->p_paddr),
			};
			/* len >= 1, so the last byte is pa + len - 1: it must not wrap. */
			if (s.len - 1 > UINT64_MAX - s.pa)
				return fail(err, path, MM_EINVAL,
					    "segment %u wraps the physical address space", n);
			if (push_seg(img, &s))
				return fail(err, path, MM_ENOMEM, "out of memory");
		}
	}
	if (!img->nr_segs)
		return fail(err, path, MM_EINVAL, "no memory segments (no PT_LOAD with p_filesz > 0)");

	qsort(img->segs, img->nr_segs, sizeof(*img->segs), cmp_seg);
	return resolve_overlaps(img, path, size, err);
}

static int parse_raw(struct image *img, const char *path, uint64_t base, struct mm_error *err)
{
	struct image_seg s = {
		.pa = base, .len = img->map_len, .filesz = img->map_len, .data = img->map,
	};

	if (s.len - 1 > UINT64_MAX - base)
		return fail(err, path, MM_EINVAL,
			    "raw image at 0x%" PRIx64 " wraps the physical address space", base);
	if (push_seg(img, &s))
		return fail(err, path, MM_ENOMEM, "out of memory");
	return MM_OK;
}

/*
 * OSTEP's linear page table (image_ostep_linear.h): the table is the one
 * segment, after physical memory, and the root; physical memory itself is not
 * in the dump (a walk reads only the table).
 */
static int parse_ostep_linear(struct image *img, const char *path, struct mm_error *err)
{
	struct ostep_linear *d = &img->linear;
	uint8_t desc[32] = "ptbr";
	int rc;

	if ((rc = image_ostep_linear_parse(path, img->map, img->map_len, d, err)))
		return rc;
	struct image_seg s = { .pa = d->table_pa, .len = d->nr_entries * 4, .filesz = d->nr_entries * 4,
			       .data = d->table };
	store_le(desc + 16, 8, d->table_pa);
	store_le(desc + 24, 8, d->table_pa);
	if (push_seg(img, &s) || push_root(img, desc))
		return fail(err, path, MM_ENOMEM, "out of memory");
	return MM_OK;
}

/*
 * OSTEP's homework output (image_ostep.h): one segment per run of listed
 * pages, so a page the text left out is a bus error, not zeros; its PDBR, if
 * given, is the recorded root (PA = PDBR x 32).
 */
static int parse_ostep(struct image *img, const char *path, struct mm_error *err)
{
	struct ostep_dump *d;
	int rc;

	if (image_ostep_linear_detect(img->map, img->map_len))
		return parse_ostep_linear(img, path, err);
	d = img->ostep = malloc(sizeof(*img->ostep));
	if (!d)
		return fail(err, path, MM_ENOMEM, "out of memory");
	if ((rc = image_ostep_parse(path, img->map, img->map_len, d, err)))
		return rc;
	for (unsigned p = 0; p < OSTEP_NR_PAGES; p++) {
		unsigned end = p;
		if (!d->given[p])
			continue;
		while (end < OSTEP_NR_PAGES && d->given[end])
			end++;
		struct image_seg s = { .pa = (uint64_t)p * OSTEP_PAGE_SIZE, .len = (uint64_t)(end - p) * OSTEP_PAGE_SIZE,
				       .data = d->mem + p * OSTEP_PAGE_SIZE, .phdr = p };
		s.filesz = s.len;
		if (push_seg(img, &s))
			return fail(err, path, MM_ENOMEM, "out of memory");
		p = end;
	}
	if (d->has_pdbr) {
		uint8_t desc[32] = "pdbr";
		store_le(desc + 16, 8, d->pdbr * OSTEP_PAGE_SIZE);
		store_le(desc + 24, 8, d->pdbr * OSTEP_PAGE_SIZE);
		if (push_root(img, desc))
			return fail(err, path, MM_ENOMEM, "out of memory");
	}
	return MM_OK;
}

/* Opens and maps path into img->map. */
static int map_file(struct image *img, const char *path, struct mm_error *err)
{
	struct stat st;
	int flags = MAP_PRIVATE;
	void *map;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not hang (it is rejected below). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(err, path, MM_EIO, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return fail(err, path, MM_EIO, "cannot open: %s", strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return fail(err, path, MM_EIO, "cannot open: %s", strerror(EISDIR));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, path, MM_EIO, "not a regular file");
	}
	if (st.st_size == 0) {
		close(fd);
		return fail(err, path, MM_EINVAL, "empty file");
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return fail(err, path, MM_EIO, "too large to map");
	}
#ifdef MAP_NORESERVE
	flags |= MAP_NORESERVE;
#endif
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (map == MAP_FAILED) {
		int e = errno;
		close(fd);
		return fail(err, path, MM_EIO, "cannot map: %s", strerror(e));
	}
	close(fd);
	/* Walks jump around: read-ahead would only grow the page cache. */
	posix_madvise(map, (size_t)st.st_size, POSIX_MADV_RANDOM);
	img->map = map;
	img->map_len = (size_t)st.st_size;
	return MM_OK;
}

int image_open(const char *path, enum image_kind kind, uint64_t raw_base, struct image **out,
	       struct mm_error *err)
{
	struct image *img;
	int rc;

	*out = NULL;
	if (kind != IMAGE_AUTO && kind != IMAGE_ELF && kind != IMAGE_RAW && kind != IMAGE_OSTEP)
		return fail(err, path, MM_EINVAL, "bad image kind %d", (int)kind);
	img = calloc(1, sizeof(*img));
	if (!img)
		return fail(err, path, MM_ENOMEM, "out of memory");
	rc = map_file(img, path, err);
	if (!rc && kind == IMAGE_AUTO) {
		const char *foreign = image_foreign_format(img->map, img->map_len);
		if (foreign)
			rc = fail(err, path, MM_EINVAL, "%s", foreign);
	}
	if (!rc) {
		if (kind == IMAGE_AUTO)
			kind = img->map_len >= SELFMAG && memcmp(img->map, ELFMAG, SELFMAG) == 0 ? IMAGE_ELF
			       : image_ostep_detect(img->map, img->map_len)			  ? IMAGE_OSTEP
												  : IMAGE_RAW;
		rc = kind == IMAGE_ELF	 ? parse_elf(img, path, err)
		     : kind == IMAGE_OSTEP ? parse_ostep(img, path, err)
					   : parse_raw(img, path, raw_base, err);
	}
	if (rc) {
		image_close(img);
		return rc;
	}
	*out = img;
	return MM_OK;
}

void image_close(struct image *img)
{
	if (!img)
		return;
	if (img->map)
		munmap(img->map, img->map_len);
	free(img->segs);
	free(img->roots);
	free(img->regs);
	free(img->ostep);
	image_ostep_linear_free(&img->linear);
	free(img);
}

/* ---- lookup and the pt_mem view ---- */

/* Index of the segment holding [pa, pa+size), or -1 (MM_EBUS). */
static ptrdiff_t seg_find(const struct image *img, uint64_t pa, unsigned size)
{
	size_t lo = 0, hi = img->nr_segs;
	const struct image_seg *s;
	uint64_t off;

	/* First segment starting above pa; the one before it is the candidate. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->segs[mid].pa <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	s = &img->segs[lo - 1];
	off = pa - s->pa;
	if (off >= s->len || s->len - off < size)
		return -1;
	return (ptrdiff_t)(lo - 1);
}

static inline bool access_ok(uint64_t pa, unsigned size)
{
	return (size == 1 || size == 2 || size == 4 || size == 8) && !(pa & (size - 1));
}

/* The segment holding [pa, pa+size) and pa's offset in it; remembered for the next access. */
static int seg_locate(struct image *img, uint64_t pa, unsigned size, const struct image_seg **seg,
		      uint64_t *off)
{
	ptrdiff_t i;

	if (!access_ok(pa, size))
		return MM_EINVAL;
	i = seg_find(img, pa, size);
	if (i < 0)
		return MM_EBUS;
	img->last = (size_t)i;
	*seg = &img->segs[i];
	*off = pa - (*seg)->pa;
	return MM_OK;
}

static int image_read_slow(struct image *img, uint64_t pa, unsigned size, uint64_t *val)
{
	const struct image_seg *s;
	uint64_t off, v = 0;
	int rc = seg_locate(img, pa, size, &s, &off);

	if (rc)
		return rc;
	if (off < s->filesz && s->filesz - off >= size) {
		*val = load_le(s->data + off, size);
		return MM_OK;
	}
	/* In or across the zero tail: file bytes below filesz, zeros above. */
	for (unsigned b = 0; b < size; b++)
		if (off + b < s->filesz)
			v |= (uint64_t)s->data[off + b] << (8 * b);
	*val = v;
	return MM_OK;
}

static int image_read(void *impl, uint64_t pa, unsigned size, uint64_t *val)
{
	struct image *img = impl;
	const struct image_seg *s = &img->segs[img->last];
	uint64_t off = pa - s->pa; /* pa below the segment wraps to a huge offset */

	/* The walk's case first: an aligned PTE in the file part of the last segment hit. */
	if ((size == 8 || size == 4) && !(pa & (size - 1)) && off < s->filesz &&
	    s->filesz - off >= size) {
		*val = load_le(s->data + off, size);
		return MM_OK;
	}
	return image_read_slow(img, pa, size, val);
}

static int image_write(void *impl, uint64_t pa, unsigned size, uint64_t val)
{
	struct image *img = impl;
	const struct image_seg *s;
	uint64_t off;
	int rc = seg_locate(img, pa, size, &s, &off);

	if (rc)
		return rc;
	/* The zero tail has no backing to write to. */
	if (off >= s->filesz || s->filesz - off < size)
		return MM_EBUS;
	store_le(s->data + off, size, val); /* a private page: the file is untouched */
	return MM_OK;
}

static int image_alloc_node(void *impl, uint64_t *pa, struct mm_error *err)
{
	(void)impl;
	(void)pa;
	return mm_error_set(err, MM_ENOMEM,
			    "an image is read-only: cannot allocate page-table nodes");
}

static void image_free_node(void *impl, uint64_t pa)
{
	(void)impl;
	(void)pa;
}

static uint64_t image_nodes_available(const void *impl)
{
	(void)impl;
	return 0;
}

static const struct pt_mem_ops image_ops = {
	.read = image_read,
	.write = image_write,
	.alloc_node = image_alloc_node,
	.free_node = image_free_node,
	.nodes_available = image_nodes_available,
};

struct pt_mem image_pt_mem(struct image *img)
{
	return (struct pt_mem){ .ops = &image_ops, .impl = img };
}

/* ---- listing ---- */

size_t image_nr_roots(const struct image *img)
{
	return img->nr_roots;
}

int image_root(const struct image *img, size_t i, char name[16], uint64_t *root, uint64_t *reg)
{
	if (i >= img->nr_roots)
		return MM_EINVAL;
	memcpy(name, img->roots[i].name, 16);
	*root = img->roots[i].root;
	*reg = img->roots[i].reg;
	return MM_OK;
}

int image_reg(const struct image *img, const char *name, uint64_t *value)
{
	for (size_t i = 0; i < img->nr_regs; i++)
		if (strcmp(img->regs[i].name, name) == 0) {
			*value = img->regs[i].value;
			return MM_OK;
		}
	return MM_EINVAL;
}

unsigned image_elf_machine(const struct image *img)
{
	return img->elf_machine;
}

unsigned image_paging_levels(const struct image *img)
{
	return img->paging_levels;
}

size_t image_nr_segments(const struct image *img)
{
	return img->nr_segs;
}

void image_segment(const struct image *img, size_t i, uint64_t *pa, uint64_t *len)
{
	*pa = img->segs[i].pa;
	*len = img->segs[i].len;
}
