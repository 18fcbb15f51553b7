/*
 * fuzz_walk: the hardware walk of every preset over random physical memory.
 *
 * Input layout (little-endian):
 *   0   u64  VA
 *   8   u16  root frame: root = (v & 0x1ff) * 4096 -- half the choices lie
 *            outside the 1 MiB of memory, so the root itself may bus-error
 *   10  u8   access (bits 0-1, mod 3), priv (bit 2), smap_ac (bit 3),
 *            no_ad_update (bit 4)
 *   11  u8   CPU bits: wp nxe smep smap pke sum mxr ad(svade)
 *   12  u8   svpbmt (bit 0), svnapot (bit 1), start_level (bits 2-4, mod nr_levels+1)
 *   13  u8   start_perms (masked by the format's initial permissions)
 *   14  u32  PKRU
 *   18  u16  upper root frame (split-root formats, Arm TTBR1), as the root frame
 *   20  u16  Arm bits: pan epan wxn ha hd hpd0 hpd1 tbi0 | tbi1 epd0 epd1 asid16,
 *            bits 12-15: TTBR1's own VA size (T1SZ != T0SZ), 0 = the same,
 *            else one of upper_widths[] the granule allows
 *   22  u64  MAIR_EL1
 *   30  ...  up to 16 KiB of memory, loaded at PA 0 (frames 0-3); the rest
 *            of [0, 1 MiB) reads as zero
 * A resumed walk (start_level > 0) starts in the node the root frame names,
 * as after a paging-structure-cache hit.  The bytes are reloaded before each
 * preset, so one preset's A/D updates do not leak into the next (a walk only
 * writes PTEs it read as valid, i.e. nonzero, so only inside the loaded
 * bytes).  One physmem serves all presets: creating one reserves a 2 MiB host
 * arena, which under ASan would cost ~2 ms per creation.  The checks are in
 * fuzz_walk_check.h.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_walk_check.h"
#include "pt/mm_error.h"
#include "pt/paging_consts.h"
#include "pt/pt_arch.h"
#include "pt/walk.h"
#include "sim/physmem.h"

#define HEADER_LEN 30
#define MEM_SIZE (1ull << 20)
#define MAX_IMAGE (16u << 10)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_presets_check();
	return 0;
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* (Re)writes img at PA 0. */
static void load_memory(struct physmem *pm, const uint8_t *img, size_t len)
{
	for (size_t off = 0; off < len; off += 8) {
		uint8_t word[8] = { 0 };

		memcpy(word, img + off, len - off < 8 ? len - off : 8);
		if (physmem_write(pm, off, 8, get_le(word, 8)) != MM_OK)
			abort(); /* in range and aligned: must succeed */
	}
}

/*
 * A resumed walk starts at a level of the VA's own half (a walk cache only
 * holds levels that half's walks went through): pick = 0 walks from the top.
 */
static void resume_within_half(struct walk_request *req, const struct paging_consts *pc, unsigned pick,
			       unsigned perms)
{
	unsigned levels = pc->split_halves && (req->va >> 55 & 1) ? pc->upper_nr_levels : pc->nr_levels;

	req->start_level = pick % (levels + 1);
	req->start_table = req->start_level ? req->root : 0;
	req->start_perms = req->start_level ? perms : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *img = data + HEADER_LEN;
	size_t img_len;
	uint8_t a, c, c2;
	uint16_t arm;
	struct cpu_ctl ctl;
	struct walk_request req;
	struct mm_error err;
	struct physmem *pm;
	struct pt_mem mem;

	if (size < HEADER_LEN)
		return 0;
	if (!(pm = physmem_create(0, MEM_SIZE, 4096, &err)))
		return 0;
	mem = physmem_pt_mem(pm);
	img_len = size - HEADER_LEN < MAX_IMAGE ? size - HEADER_LEN : MAX_IMAGE;
	a = data[10];
	c = data[11];
	c2 = data[12];
	arm = (uint16_t)get_le(data + 20, 2);
	ctl = (struct cpu_ctl){
		.wp = c & 1, .nxe = c >> 1 & 1, .smep = c >> 2 & 1, .smap = c >> 3 & 1,
		.pke = c >> 4 & 1, .sum = c >> 5 & 1, .mxr = c >> 6 & 1,
		.ad = c >> 7 & 1 ? AD_SVADE : AD_SVADU,
		.svpbmt = c2 & 1, .svnapot = c2 >> 1 & 1, .pse = c2 >> 5 & 1,
		.pkru = (uint32_t)get_le(data + 14, 4),
		.pan = arm & 1, .epan = arm >> 1 & 1, .wxn = arm >> 2 & 1, .ha = arm >> 3 & 1, .hd = arm >> 4 & 1,
		.hpd0 = arm >> 5 & 1, .hpd1 = arm >> 6 & 1, .tbi0 = arm >> 7 & 1, .tbi1 = arm >> 8 & 1,
		.epd0 = arm >> 9 & 1, .epd1 = arm >> 10 & 1, .asid16 = arm >> 11 & 1,
		.mair = get_le(data + 22, 8),
	};

	for (size_t i = 0; i < FUZZ_NR_PRESETS; i++) {
		const struct pt_arch *arch = fuzz_presets[i].arch;
		struct paging_consts pc = fuzz_presets[i].pc;
		uint64_t frame = get_le(data + 8, 2) & 0x1ff, upper_frame = get_le(data + 18, 2) & 0x1ff;

		if (paging_consts_derive(&pc, &err) != MM_OK)
			abort();
		if (pc.split_halves && arm >> 12) {
			/* D8.2: 25 to 48 bits, 52 with 64K; a size the granule cannot have keeps the preset's. */
			static const unsigned upper_widths[16] = { 0, 25, 30, 33, 36, 38, 39, 40, 41, 42, 44, 46, 47, 48, 52, 29 };
			struct paging_consts split = pc;

			split.upper_address_width = upper_widths[arm >> 12];
			if (paging_consts_derive(&split, &err) == MM_OK && pt_arch_check_consts(arch, &split, &err) == MM_OK)
				pc = split;
		}
		req = (struct walk_request){
			.root = frame * 4096,
			.va = get_le(data, 8),
			.access = (enum access_kind)((a & 3) % 3),
			.priv = a >> 2 & 1 ? PRIV_SUPERVISOR : PRIV_USER,
			.smap_ac = a >> 3 & 1,
			.no_ad_update = a >> 4 & 1,
		};
		resume_within_half(&req, &pc, c2 >> 2 & 7, data[13] & arch->hooks->initial_perms());
		load_memory(pm, img, img_len);
		fuzz_walk_checked(arch, &pc, &ctl, &mem, &req, upper_frame * 4096);
		/* The same VA made canonical (which may move it to the other half), so that the walk is reached. */
		req.va = pc_va_canonicalize(&pc, req.va);
		resume_within_half(&req, &pc, c2 >> 2 & 7, data[13] & arch->hooks->initial_perms());
		fuzz_walk_checked(arch, &pc, &ctl, &mem, &req, upper_frame * 4096);
	}
	physmem_destroy(pm);
	return 0;
}
