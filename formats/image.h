/*
 * image: physical memory read from a file, for walking page tables found in a
 * real machine's memory (a QEMU `dump-guest-memory` core, an mmusim dump, or a
 * raw `/dev/mem`-style copy).
 *
 * Model: the file is mapped, never read in.  It is mmap'ed MAP_PRIVATE, so the
 * host pages in only what the walk touches (a multi-GiB core costs a few MiB of
 * RSS), and writes -- the walk's Accessed/Dirty updates -- land in private
 * copy-on-write pages: the walk sees its own updates, the file never changes.
 * Physical memory is a set of non-overlapping segments sorted by PA; each maps
 * [pa, pa+len) onto the file, the first `filesz` bytes from the file and the
 * rest reading as zero (an ELF PT_LOAD whose p_memsz exceeds p_filesz).  An
 * address outside every segment, or an access that straddles a segment's end,
 * is MM_EBUS -- never a read outside the mapping.
 *
 * Caveat: like any mmap, the image assumes the file does not shrink while it is
 * open (a truncated file raises SIGBUS on access).
 */
#ifndef MMUSIM_SIM_IMAGE_H
#define MMUSIM_SIM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "pt/pt_mem.h"

enum image_kind { IMAGE_AUTO, IMAGE_ELF, IMAGE_RAW, IMAGE_OSTEP };

struct image;

/*
 * Opens path.  ELF64 and ELF32 little-endian files (any e_type; QEMU dump-guest-memory cores,
 * ELF32 for 32-bit guests, and mmusim's own dumps): every PT_LOAD with p_filesz > 0 maps PA [p_paddr, p_paddr+p_filesz)
 * to file offset p_offset (bytes in [p_filesz, p_memsz) read as zero); PT_NOTE and other
 * segments are skipped, except mmusim notes (name "MMUSIM"; type 0x4d4d0001, desc = char name[16],
 * u64 root, u64 reg; type 0x4d4d0002, desc = char name[16], u64 value) which are collected.  RAW: the whole file is PA [raw_base, raw_base+size).
 * OSTEP: the text OSTEP's paging-multilevel-translate.py prints (formats/image_ostep.h): its
 * pages at PA page x 32, its PDBR (if given) as a root note "pdbr".
 * AUTO: ELF if the file starts with the ELF magic, else OSTEP if its first non-blank line is
 * "ARG ..." or "page N...", else RAW.
 *
 * e_phnum == PN_XNUM (more than 65534 program headers) is followed to section
 * header 0's sh_info, as QEMU writes it.  Overlapping PT_LOADs (but a vmcore's aliases: one
 * listed by VA, the shared bytes equal, read once), or an ELF with no PT_LOAD carrying data, are
 * errors.  An x86 core's first QEMU CPU-state note with CR0.PG = 1 gives a root note "cr3"; else
 * an x86-64 vmcore's VMCOREINFO note gives "init_top_pgt", the kernel's table.  Returns 0 and fills *out, or an MM_E* code
 * with err->msg "PATH: message" (MM_EIO if the file cannot be opened or mapped,
 * MM_EINVAL if it is malformed).
 */
int image_open(const char *path, enum image_kind kind, uint64_t raw_base, struct image **out,
	       struct mm_error *err);
void image_close(struct image *img);

/* The walker's view: reads of 1/2/4/8 aligned bytes; a PA outside every segment is MM_EBUS.
 * Writes (the walk's A/D updates) go to a private copy-on-write mapping: the file never changes.
 * alloc_node fails with MM_ENOMEM "an image is read-only: cannot allocate page-table nodes".
 * A misaligned access or a size other than 1/2/4/8 is MM_EINVAL.  Writes into a segment's
 * zero tail [filesz, memsz) have no backing and are MM_EBUS (the walk never writes there:
 * a zero PTE is not valid, so it gets no A/D update).  The pt_mem is valid until
 * image_close and must not be shared between threads (reads update a lookup cache). */
struct pt_mem image_pt_mem(struct image *img);

/* mmusim notes found in the image (0 if none), in file order. */
size_t image_nr_roots(const struct image *img);
/* Fills note i: name (NUL-terminated), root PA and register value; MM_EINVAL if i is out of range. */
int image_root(const struct image *img, size_t i, char name[16], uint64_t *root, uint64_t *reg);

/* The value of the first register note named `name`: MM_OK, or MM_EINVAL when there is none. */
int image_reg(const struct image *img, const char *name, uint64_t *value);

/* The machine an ELF image names (e_machine: EM_X86_64 62, EM_RISCV 243, ...); 0 (EM_NONE) for a
 * raw or OSTEP image, which name none. */
unsigned image_elf_machine(const struct image *img);

/* The levels of the recorded root's table where the image says (a vmcore's
 * NUMBER(pgtable_l5_enabled): 4 or 5); 0 when it does not. */
unsigned image_paging_levels(const struct image *img);

/* Segments, sorted by PA, for listing and tests.  len includes the zero tail. */
size_t image_nr_segments(const struct image *img);
void image_segment(const struct image *img, size_t i, uint64_t *pa, uint64_t *len);

#endif
