/*
 * mmusim.h: the public C API of libmmusim, an MMU simulator.
 *
 * Page tables live byte for byte in simulated physical memory, laid out as the
 * hardware reads them (x86-64 4- and 5-level paging, RISC-V Sv39/Sv48/Sv57); a
 * software walker translates and faults exactly as the hardware does; TLBs and
 * paging-structure caches sit in front of it; traces replay through the whole.
 *
 * The objects, each an opaque handle the caller creates and destroys:
 *   mmusim_config   a machine description (a preset or YAML)
 *   mmusim_machine  physical memory, the kernel page table and one user table per
 *                   address space; page-table editing and the hardware walk
 *   mmusim_mmu      the CPU side: per-CPU TLBs and paging-structure caches in front
 *                   of the walk, with statistics; replays traces
 *   mmusim_trace    a streaming reader of trace files (text, Valgrind lackey, binary)
 *
 * Conventions:
 *   - Every fallible function returns an int status: MMUSIM_OK (0) or one of the
 *     MMUSIM_E* codes, and, when `err` is not NULL, fills it with the code and a
 *     one-line message ("file:line:column: message" for configs, "file:line:
 *     message" for traces).  Nothing is printed and nothing exits.
 *   - A NULL pointer where a name, path, option struct, array or out pointer is
 *     expected, in the calls that create objects, open files, parse text or take
 *     arrays (a NULL left by an earlier failure and passed on), is MMUSIM_EINVAL
 *     "FUNCTION: ARG is NULL".  Handles passed to the other calls must be live
 *     objects; the destroy, free and close calls accept NULL.
 *   - There is no global state: objects are independent and one object may be
 *     used by one thread at a time.  An mmusim_mmu borrows its machine, which must
 *     outlive it; a machine copies its config.
 *   - Addresses and lengths are uint64_t; a page-table fault is not an error but
 *     a result (see mmusim_translation).
 *   - Every enum, MMUSIM_PROP_* flag set and cache policy argument (also inside
 *     requests and events) is checked: a value outside its enum or set is
 *     MMUSIM_EINVAL with a message naming it.  The few calls without an err
 *     argument keep that message on their handle (mmusim_machine_last_error,
 *     mmusim_mmu_last_error).
 *
 * Versioning: MMUSIM_VERSION_* name the header's version, mmusim_version() the
 * library's.  Within one soname (libmmusim.so.MAJOR; while MAJOR is 0,
 * libmmusim.so.0.MINOR) functions are only added, and the structs callers
 * allocate (requests, results, events, options, statistics, errors) keep their
 * layout: new fields come with new functions or a new soname.
 */
#ifndef MMUSIM_H
#define MMUSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MMUSIM_VERSION_MAJOR 0
#define MMUSIM_VERSION_MINOR 2
#define MMUSIM_VERSION_PATCH 0
/* One number that grows with every release: 0xMMmmpp. */
#define MMUSIM_VERSION_NUMBER \
	((MMUSIM_VERSION_MAJOR << 16) | (MMUSIM_VERSION_MINOR << 8) | MMUSIM_VERSION_PATCH)

/* Marks the functions the shared library exports; everything else is hidden. */
#if defined(_WIN32)
#define MMUSIM_API
#elif defined(__GNUC__)
#define MMUSIM_API __attribute__((visibility("default")))
#else
#define MMUSIM_API
#endif

/* ---------------------------------------------------------------- version */

/* The library's version as "MAJOR.MINOR.PATCH" (may differ from the header's). */
MMUSIM_API const char *mmusim_version(void);
/* The library's version as MMUSIM_VERSION_NUMBER computes it. */
MMUSIM_API unsigned mmusim_version_number(void);
/* The git revision the library was built from ("unknown" when built outside git). */
MMUSIM_API const char *mmusim_git_revision(void);

/* ----------------------------------------------------------------- errors */

enum mmusim_status {
	MMUSIM_OK = 0,
	MMUSIM_EINVAL,     /* bad argument or malformed input (config, trace, flags) */
	MMUSIM_ERANGE,     /* VA outside the table's index range, or non-canonical */
	MMUSIM_EUNALIGNED, /* VA, PA or length not aligned to the base page */
	MMUSIM_EOVERFLOW,  /* va + len wraps or leaves the address space */
	MMUSIM_ENOMEM,     /* simulated physical memory (or host memory) exhausted */
	MMUSIM_EBUS,       /* physical address outside simulated memory */
	MMUSIM_EIO,        /* reading or writing a file failed */
};

/* Bytes of an error message, its NUL included: enough for a file named by a long path. */
#define MMUSIM_ERROR_MESSAGE_SIZE 1024

typedef struct mmusim_error {
	int code;          /* enum mmusim_status */
	char message[MMUSIM_ERROR_MESSAGE_SIZE]; /* one line, no trailing newline; cut if longer */
} mmusim_error;

/* "ok", "invalid", "range", "unaligned", "overflow", "no-memory", "bus-error", "io". */
MMUSIM_API const char *mmusim_status_name(int code);
/* Puts "prefix: " before err's message (as the library names a file:line); when both do not
 * fit, the prefix stays whole and the message's end is cut.  NULL err or prefix: nothing. */
MMUSIM_API void mmusim_error_prefix(mmusim_error *err, const char *prefix);

/* ---------------------------------------------------------------- configs */

typedef struct mmusim_config mmusim_config;

/*
 * Loads `name_or_path`: an embedded preset if one has that name (see
 * mmusim_preset_names), otherwise a YAML file, which may start with "extends:
 * PRESET".  On success *out is a new config to free with mmusim_config_free.
 * Fails with MMUSIM_EINVAL or MMUSIM_EIO and "file:line:column: message"; when
 * there is neither such a preset nor such a file, MMUSIM_EIO and "NAME: no
 * such file or preset (presets: sv32, sv39, ...)"; the presets are those of
 * configs/ (sv32, sv39, sv48, sv57, toy, x86_32, x86_64, x86_64_la57).
 */
MMUSIM_API int mmusim_config_load(const char *name_or_path, mmusim_config **out, mmusim_error *err);
/* Parses YAML text of `len` bytes; `filename` only names it in error messages. */
MMUSIM_API int mmusim_config_parse(const char *yaml, size_t len, const char *filename,
				   mmusim_config **out, mmusim_error *err);
/*
 * The config of the machine an image file describes by itself, or *out NULL
 * (and MMUSIM_OK) when it does not.  Only OSTEP's linear page table
 * (paging-linear-translate.py's output) does: its ARG lines give the
 * address space, physical memory and page size, from which a one-level toy
 * MMU ("ostep-linear") is made; a malformed one fails with MMUSIM_EINVAL and
 * "PATH:LINE: message".
 */
MMUSIM_API int mmusim_config_from_image(const char *path, mmusim_config **out, mmusim_error *err);
/* Frees a config (NULL is ignored). */
MMUSIM_API void mmusim_config_free(mmusim_config *cfg);

/* NULL-terminated list of the embedded preset names. */
MMUSIM_API const char *const *mmusim_preset_names(void);
/* The YAML text of an embedded preset, or NULL when there is none of that name (or name is NULL). */
MMUSIM_API const char *mmusim_preset_yaml(const char *name);

/*
 * The config's `name`, and its PTE format (the `arch` key): "x86_64",
 * "x86_32", "riscv64", "riscv32" or "toy".
 */
MMUSIM_API const char *mmusim_config_name(const mmusim_config *cfg);
MMUSIM_API const char *mmusim_config_arch(const mmusim_config *cfg);
/* Paging levels (x86-64: 4 or 5; x86 32-bit: 2; RISC-V: 2 for Sv32, 3 to 5 for Sv39 to Sv57; toy: as configured). */
MMUSIM_API unsigned mmusim_config_levels(const mmusim_config *cfg);
/* Size in bytes of a base page. */
MMUSIM_API uint64_t mmusim_config_page_size(const mmusim_config *cfg);
/* Size in bytes of a leaf at `level` (1 = base page), 0 if no leaf may be there. */
MMUSIM_API uint64_t mmusim_config_leaf_size(const mmusim_config *cfg, unsigned level);
/* VA bits translated (48, 57, 39, ...). */
MMUSIM_API unsigned mmusim_config_va_bits(const mmusim_config *cfg);
/* VA bits each level's index takes (9 for 4 KiB nodes of 8-byte PTEs), and the PTE size. */
MMUSIM_API unsigned mmusim_config_index_bits(const mmusim_config *cfg);
MMUSIM_API unsigned mmusim_config_pte_size(const mmusim_config *cfg);
/* Entries in one page-table node (512 for 4 KiB nodes of 8-byte PTEs, 1024 for Sv32's 4-byte ones). */
MMUSIM_API unsigned mmusim_config_entries_per_node(const mmusim_config *cfg);
/*
 * Entries the top-level node indexes: mmusim_config_entries_per_node, or fewer
 * where the VA size leaves the top level a part of a node (AArch64: 2 at 16K
 * granule 48-bit, 64 at 64K 48-bit, 1024 at 64K 52-bit).
 */
MMUSIM_API unsigned mmusim_config_top_entries(const mmusim_config *cfg);
/*
 * True when each VA half has a root of its own (AArch64: TTBR0 holds the user
 * table for the lower half, TTBR1 the kernel table for the upper half, from
 * 2^64 - 2^upper_va_bits): a VA is then canonical over its half's va_bits + 1 bits, and
 * mmusim_upper_root gives the upper table.  False for x86 and RISC-V, whose
 * user tables share the kernel's top-level entries.
 */
MMUSIM_API bool mmusim_config_split_roots(const mmusim_config *cfg);
/*
 * The levels, VA bits and top-level entries of one VA half's table.  On a
 * split-root format the upper half (TTBR1, the kernel's) may have a VA size
 * of its own (T1SZ != T0SZ: the config's upper_address_width) and with it
 * its own levels and top width; the lower half's are mmusim_config_levels,
 * _va_bits and _top_entries.  Formats with one table give those for both.
 */
MMUSIM_API unsigned mmusim_config_half_levels(const mmusim_config *cfg, bool upper);
MMUSIM_API unsigned mmusim_config_half_va_bits(const mmusim_config *cfg, bool upper);
MMUSIM_API unsigned mmusim_config_half_top_entries(const mmusim_config *cfg, bool upper);
/* Lowest VA bit of the index field of `level` (1 = base-page level): page_shift + (level - 1) * index_bits; 0 for level 0. */
MMUSIM_API unsigned mmusim_config_index_shift(const mmusim_config *cfg, unsigned level);
/*
 * The index a VA selects in a node of `level` (its bits index_shift .. index_shift + index_bits - 1,
 * fewer at the top level of its half's table); 0 for a level outside 1 .. the half's levels.
 */
MMUSIM_API unsigned mmusim_va_index(const mmusim_config *cfg, uint64_t va, unsigned level);
/*
 * True when the VA bits above va_bits are copies of its top bit (x86-64, Sv39/48/57);
 * false for a narrow format (Sv32, x86 32-bit, toy) whose VAs have no bits above.
 */
MMUSIM_API bool mmusim_config_va_sign_extended(const mmusim_config *cfg);
/*
 * Bits of an address the CPU can form: 32 on x86 32-bit paging and Sv32 (RV32),
 * else 64.  A wider VA is no address of the machine (the CLI refuses it).
 */
MMUSIM_API unsigned mmusim_config_address_bits(const mmusim_config *cfg);
/* True when `va` is canonical: sign-extended, or for a narrow format all zero above va_bits. */
MMUSIM_API bool mmusim_va_canonical(const mmusim_config *cfg, uint64_t va);
/* The root register's value (cr3 or satp) that selects the table at `root` with `asid` (or PCID). */
MMUSIM_API uint64_t mmusim_config_root_register_value(const mmusim_config *cfg, uint64_t root, uint16_t asid);
/* Simulated physical memory [base, base + size). */
MMUSIM_API uint64_t mmusim_config_memory_base(const mmusim_config *cfg);
MMUSIM_API uint64_t mmusim_config_memory_size(const mmusim_config *cfg);
/* First VA of the kernel's (upper) part of the address space. */
MMUSIM_API uint64_t mmusim_config_kernel_start(const mmusim_config *cfg);
/* Name of the register that selects a page table: "cr3" (x86-64) or "satp" (RISC-V). */
MMUSIM_API const char *mmusim_config_root_register(const mmusim_config *cfg);
/*
 * The root register as a walk of this config names it: the guest's under a
 * stage2: block ("vsatp" under the RISC-V G-stage; x86 "cr3", Arm "ttbr0"
 * unchanged), else mmusim_config_root_register.  Written into buf.
 */
MMUSIM_API const char *mmusim_config_walk_root_register(const mmusim_config *cfg, char *buf, size_t len);
/*
 * Formats with a root per VA half (AArch64): the upper half's root register
 * ("ttbr1"), encoded as the root register is; NULL for every other format.
 */
MMUSIM_API const char *mmusim_config_upper_root_register(const mmusim_config *cfg);
/*
 * A virtual machine's config (a stage2: block): the register that selects
 * the stage-2 table ("hgatp", "eptp", "ncr3", "vttbr"); NULL for a
 * one-stage config.
 */
MMUSIM_API const char *mmusim_config_stage2_root_register(const mmusim_config *cfg);
/*
 * The control registers beside the root(s) that carry the config (AArch64:
 * "tcr", "mair", "sctlr"): the name of register i, or NULL past the last (at
 * once for x86 and RISC-V, which have none).  *value, when value is not NULL,
 * is the register as the config describes it (TCR_EL1 from the paging
 * constants and cpu: keys, ...).
 */
MMUSIM_API const char *mmusim_config_register(const mmusim_config *cfg, unsigned i, uint64_t *value);
/* Number of TLBs (level 1 and 2) and paging-structure caches the config describes. */
MMUSIM_API unsigned mmusim_config_nr_tlbs(const mmusim_config *cfg);
MMUSIM_API unsigned mmusim_config_nr_pwcs(const mmusim_config *cfg);
/*
 * The top-level indices user address spaces own, [*start, *end); the rest of
 * the top-level node belongs to the kernel table every address space shares.
 * (A NULL start or end is skipped, here and in mmusim_config_kernel_top_range.)
 */
MMUSIM_API void mmusim_config_user_top_range(const mmusim_config *cfg, unsigned *start, unsigned *end);
/* The top-level indices of the kernel table, [*start, *end). */
MMUSIM_API void mmusim_config_kernel_top_range(const mmusim_config *cfg, unsigned *start, unsigned *end);
/*
 * The value of the config's `cpu:` key `name` (after defaults: "wp", "sum",
 * "tbi1", "mair", ...; a bool is 0 or 1, a choice its index) in *value; false
 * when the config's format has no such key (or name or value is NULL).
 */
MMUSIM_API bool mmusim_config_cpu_key(const mmusim_config *cfg, const char *name, uint64_t *value);
/* Physical address bits the PTE format can hold (52 on x86-64 and RISC-V Sv39+). */
MMUSIM_API unsigned mmusim_config_pa_bits(const mmusim_config *cfg);

/* Where a PTE format defined in the config (the toy format) keeps its fields. */
typedef struct mmusim_pte_layout {
	int valid;             /* bit numbers; -1 when the format has no such bit */
	int read, write, exec; /* absent: every page has that permission */
	int user;              /* absent: every page is user-accessible */
	int huge;              /* marks a leaf above level 1; absent: leaves only at level 1 */
	int accessed, dirty;   /* set by the walk, when present */
	unsigned frame_shift;  /* the frame number sits in bits frame_shift .. + frame_width - 1; */
	unsigned frame_width;  /* PA = frame number << log2(page size) */
} mmusim_pte_layout;
/*
 * Fills *out and returns true when the config defines its PTE bits (the toy
 * format); false for a hardware format, whose bits are the architecture's.
 */
MMUSIM_API bool mmusim_config_pte_layout(const mmusim_config *cfg, mmusim_pte_layout *out);

/* What a config says of one TLB or paging-structure cache. */
typedef struct mmusim_cache_info {
	const char *name;    /* as the config names it; valid as long as the config */
	const char *serves;  /* the accesses it serves: "instruction", "data" or "unified" */
	unsigned level;      /* TLB: 1 or 2; PWC: the PTE level it caches */
	unsigned entries;
	unsigned ways;
} mmusim_cache_info;
/*
 * Fills *out for TLB number idx (0 .. mmusim_config_nr_tlbs - 1), or with pwc
 * true for paging-structure cache idx (0 .. mmusim_config_nr_pwcs - 1), in the
 * order mmusim_mmu_cache_stats numbers them.  MMUSIM_EINVAL for idx out of range or a NULL out.
 */
MMUSIM_API int mmusim_config_cache_info(const mmusim_config *cfg, bool pwc, unsigned idx,
					mmusim_cache_info *out);
/*
 * Whether TLB number idx prefetches (a `prefetch:` prefetcher or `line_prefetch`),
 * so that its mmusim_cache_stats prefetch counters mean something even while
 * they are 0; false for idx out of range.
 */
MMUSIM_API bool mmusim_config_tlb_prefetches(const mmusim_config *cfg, unsigned idx);

/* ------------------------------------------------------- machine, memory */

typedef struct mmusim_machine mmusim_machine;

/*
 * Creates a machine from `cfg` (copied; cfg may be freed afterwards): empty
 * physical memory, an empty kernel table and the user table of address space 0,
 * which shares the kernel's top-level entries.  Free with mmusim_machine_destroy.
 */
MMUSIM_API int mmusim_machine_create(const mmusim_config *cfg, mmusim_machine **out,
				     mmusim_error *err);
/* Frees the machine, its memory and tables (NULL is ignored). */
MMUSIM_API void mmusim_machine_destroy(mmusim_machine *m);
/*
 * The message of the last call on m without an err argument that failed
 * (mmusim_translate), "" when none has; valid until the next such call.
 */
MMUSIM_API const char *mmusim_machine_last_error(const mmusim_machine *m);
/* The machine's copy of its config, valid as long as the machine. */
MMUSIM_API const mmusim_config *mmusim_machine_config(const mmusim_machine *m);

/* How mmusim_machine_open_image finds the page table to use. */
enum mmusim_root_source {
	MMUSIM_ROOT_RECORDED, /* the first root an mmusim dump recorded in its notes */
	MMUSIM_ROOT_PA,       /* value is the root's physical address */
	MMUSIM_ROOT_REGISTER, /* value is a CR3 / satp value, decoded by the architecture */
};

/*
 * A machine over a physical-memory image instead of empty memory: an ELF file
 * (mmusim dumps, QEMU dump-guest-memory cores: PT_LOAD by physical address) or,
 * for any other file, raw memory starting at raw_base.  The file is mapped
 * copy-on-write and never modified.  Its one address space is the table `how`
 * and `value` select; walks, queries, iteration and TLB replay work, while
 * edits, allocation and new address spaces fail with MMUSIM_EINVAL.  A PTE
 * pointing outside the image is a bus-error fault, never a crash.
 */
MMUSIM_API int mmusim_machine_open_image(const mmusim_config *cfg, const char *path, uint64_t raw_base,
					 enum mmusim_root_source how, uint64_t value,
					 mmusim_machine **out, mmusim_error *err);

/* A control register by name ("tcr") and value, as mmusim_config_register names it. */
typedef struct mmusim_register_value {
	const char *name;
	uint64_t value;
} mmusim_register_value;

/* Everything mmusim_machine_open_image_opts takes beside the config and the path; zero is "as recorded". */
typedef struct mmusim_image_options {
	uint64_t raw_base;                   /* where a raw (non-ELF) file starts */
	enum mmusim_root_source how;         /* the root: the current table (AArch64: TTBR0's) */
	uint64_t value;
	/*
	 * Formats with a root per VA half (AArch64): the upper half's table
	 * (TTBR1's), chosen as how/value choose the root; RECORDED reads the
	 * image's register note of that name ("ttbr1").  Other formats: RECORDED.
	 */
	enum mmusim_root_source upper_how;
	uint64_t upper_value;
	/*
	 * Control registers (AArch64: tcr, mair, sctlr; see mmusim_config_register):
	 * those the image records in its notes are applied to the config first,
	 * then these, so the caller's win.  A register the format does not have,
	 * or a value it cannot model, is MMUSIM_EINVAL.
	 */
	const mmusim_register_value *regs;
	size_t nr_regs;
	/*
	 * A virtual machine's config (a stage2: block): the stage-2 table's root
	 * in host memory, chosen as how/value choose the guest's (a host PA, or
	 * a value of mmusim_config_stage2_root_register: hgatp, EPTP, nCR3,
	 * VTTBR_EL2); RECORDED reads the image's note of that register.  Other
	 * configs: RECORDED.
	 */
	enum mmusim_root_source stage2_how;
	uint64_t stage2_value;
} mmusim_image_options;

/* mmusim_machine_open_image with both roots of a split-root format and its control registers. */
MMUSIM_API int mmusim_machine_open_image_opts(const mmusim_config *cfg, const char *path,
					      const mmusim_image_options *opt, mmusim_machine **out,
					      mmusim_error *err);

/*
 * Writes the machine's physical memory (the frames that hold page-table nodes)
 * as an ELF64 core file: one PT_LOAD per run of adjacent frames at its physical
 * address, and a note per address space with its root and register value (the
 * current one first), which mmusim_machine_open_image reads back.  The file is
 * written as mmusim_output_open writes: whole, or not at all.
 */
MMUSIM_API int mmusim_dump_elf(const mmusim_machine *m, const char *path, mmusim_error *err);

/*
 * Reads `size` bytes (1, 2, 4 or 8, naturally aligned) at physical address pa,
 * little-endian, into *val.  Memory never written reads as zero.  MMUSIM_EBUS
 * outside memory, MMUSIM_EINVAL for a bad size or alignment or a NULL val (the
 * message: mmusim_machine_last_error).
 */
MMUSIM_API int mmusim_mem_read(mmusim_machine *m, uint64_t pa, unsigned size, uint64_t *val);
/*
 * Writes `size` bytes of val at pa, as mmusim_mem_read reads them.  Page-table
 * nodes are memory like any other: a write there changes what the next walk
 * reads (how a test plants a malformed PTE).  On an image the write lands in a
 * private copy; the file never changes.
 */
MMUSIM_API int mmusim_mem_write(mmusim_machine *m, uint64_t pa, unsigned size, uint64_t val);
/*
 * Allocates `size` bytes of data frames (a multiple of the page size), aligned to
 * `align` (a multiple of the page size), from the frame allocator that also
 * gives out page-table nodes; *pa is the first byte.
 */
MMUSIM_API int mmusim_mem_alloc(mmusim_machine *m, uint64_t size, uint64_t align, uint64_t *pa,
				mmusim_error *err);

/* ------------------------------------------------------------ page tables */

/* Page properties: what the OS asks of a mapping, encoded into the arch's PTE bits. */
enum mmusim_prop {
	MMUSIM_PROP_R = 1u << 0,      /* readable */
	MMUSIM_PROP_W = 1u << 1,      /* writable */
	MMUSIM_PROP_X = 1u << 2,      /* executable */
	MMUSIM_PROP_U = 1u << 3,      /* user accessible */
	MMUSIM_PROP_G = 1u << 4,      /* global: survives address-space switches */
	MMUSIM_PROP_A = 1u << 5,      /* accessed, preset by software */
	MMUSIM_PROP_D = 1u << 6,      /* dirty, preset by software */
	MMUSIM_PROP_AVAIL1 = 1u << 7, /* software bit (x86 AVL bit 9, RISC-V RSW bit 8) */
	MMUSIM_PROP_AVAIL2 = 1u << 8, /* software bit (x86 AVL bit 10, RISC-V RSW bit 9) */
};

/* Cache policy of a mapping (x86: PAT index; RISC-V: Svpbmt). */
enum mmusim_cache {
	MMUSIM_CACHE_WB, /* write-back (normal memory) */
	MMUSIM_CACHE_WT, /* write-through */
	MMUSIM_CACHE_UC, /* uncacheable (device memory) */
	MMUSIM_CACHE_WC, /* write-combining */
	MMUSIM_CACHE_WP, /* write-protected */
};

/*
 * Parses flag letters as traces write them ("rwxuga d", '-' ignored) into
 * MMUSIM_PROP_* bits.  MMUSIM_EINVAL with a message for any other letter.
 */
MMUSIM_API int mmusim_parse_flags(const char *letters, uint32_t *flags, mmusim_error *err);

/*
 * Maps [va, va + len) to [pa, pa + len) in the current address space (the kernel
 * table for a VA in the kernel range, shared by every address space), with the
 * largest pages alignment allows; replaces whatever was mapped there.  va, pa
 * and len must be page aligned.  Nothing changes when it fails.  flags are
 * MMUSIM_PROP_* bits and cache an enum mmusim_cache: anything else is MMUSIM_EINVAL.
 */
MMUSIM_API int mmusim_map(mmusim_machine *m, uint64_t va, uint64_t pa, uint64_t len, uint32_t flags,
			  enum mmusim_cache cache, mmusim_error *err);
/* Unmaps [va, va + len), splitting huge pages it covers in part, freeing empty nodes. */
MMUSIM_API int mmusim_unmap(mmusim_machine *m, uint64_t va, uint64_t len, mmusim_error *err);
/* Replaces the properties of what is mapped in [va, va + len); keeps A/D already set. */
MMUSIM_API int mmusim_protect(mmusim_machine *m, uint64_t va, uint64_t len, uint32_t flags,
			      enum mmusim_cache cache, mmusim_error *err);

/* One leaf mapping. */
typedef struct mmusim_mapping {
	uint64_t va;        /* start of the page (canonical) */
	uint64_t pa;        /* its physical address */
	uint64_t size;      /* page size in bytes */
	unsigned level;     /* leaf level, 1 = base page */
	uint64_t pte;       /* the raw leaf PTE */
	uint32_t flags;     /* MMUSIM_PROP_* decoded from the leaf */
	enum mmusim_cache cache;
	unsigned perms;     /* MMUSIM_PERM_* the hardware grants, all levels combined */
} mmusim_mapping;

/*
 * Looks va up in the current address space in software (no A/D update, no
 * permission check).  Returns true and fills *out (when out is not NULL) when va
 * is mapped.
 */
MMUSIM_API bool mmusim_query(mmusim_machine *m, uint64_t va, mmusim_mapping *out);
/*
 * Calls fn for every leaf of the current address space (user part, then the
 * kernel part), in ascending VA order: every leaf the hardware walk
 * translates (an entry with reserved bits, or below one, is no leaf; one
 * that faults only on permissions or A/D is), over an image and after a raw
 * write (mmusim_mem_write) alike.  Stops when fn returns nonzero and returns
 * that value (fn returns 0 or a positive value); returns 0 after the last leaf.
 * A page-table node reached again (entries that lead back into the table, as
 * an image can hold: a root whose entries all point at itself is a tree of
 * nr_entries^levels nodes) is walked again at most MMUSIM_FOR_EACH_MAX_REENTRIES
 * times in all; one more stops the walk, which returns MMUSIM_FOR_EACH_LOOP.
 * A node reached again from an entry it does not already lie above (one node
 * shared under several entries, as real kernels share them: Linux's espfix
 * area re-enters its nodes 2051 times) is walked again at most
 * MMUSIM_FOR_EACH_MAX_SHARED times in all; one more returns
 * MMUSIM_FOR_EACH_SHARED.
 * MMUSIM_FOR_EACH_NO_MEMORY if the host runs out of memory for the set of
 * nodes read.  A NULL fn: MMUSIM_EINVAL (mmusim_machine_last_error names it).
 */
#define MMUSIM_FOR_EACH_MAX_REENTRIES 64
#define MMUSIM_FOR_EACH_LOOP (-1)
#define MMUSIM_FOR_EACH_NO_MEMORY (-2)
#define MMUSIM_FOR_EACH_MAX_SHARED 4096
#define MMUSIM_FOR_EACH_SHARED (-3)
MMUSIM_API int mmusim_for_each_mapping(mmusim_machine *m,
				       int (*fn)(void *arg, const mmusim_mapping *map), void *arg);

/*
 * Makes address space `asid` current, creating its user table on first use.
 * `asid` must fit the root register's tag (x86-64 PCID: below 4096; Sv32:
 * below 512; Arm with 8-bit ASIDs: below 256), or it is refused.
 */
MMUSIM_API int mmusim_switch_asid(mmusim_machine *m, uint16_t asid, mmusim_error *err);
/* The current address space's ASID. */
MMUSIM_API uint16_t mmusim_current_asid(const mmusim_machine *m);
/*
 * A virtual machine's host (a config with a stage2: block) runs up to 256
 * VMs: makes VM vmid (0 .. 255) the one that map/unmap/protect, gmap and
 * translate act on, created on first use with guest RAM, a stage-2 table and
 * guest tables of its own, in its own ASID 0 address space (or the one it
 * last had).  MMUSIM_EINVAL on a machine without a stage2: block, for a VMID
 * out of range, or on an image (one VM).
 */
MMUSIM_API int mmusim_switch_vm(mmusim_machine *m, unsigned vmid, mmusim_error *err);
/* The running VM (0 on a machine that is not a VM's host). */
MMUSIM_API unsigned mmusim_current_vm(const mmusim_machine *m);
/* Physical address of the current address space's root (what CR3 / satp / TTBR0 point at). */
MMUSIM_API uint64_t mmusim_root(const mmusim_machine *m);
/*
 * Formats with one root per VA half (AArch64: TTBR0 for the lower half,
 * TTBR1 for the upper): the upper half's table, the kernel table, whose
 * root mmusim_root does not give.  0 for every other format.
 */
MMUSIM_API uint64_t mmusim_upper_root(const mmusim_machine *m);
/*
 * The register value a CPU would load to use the current address space (x86
 * CR3 with the PCID; RISC-V satp with MODE, ASID and PPN) in *value; returns the
 * register's name, "cr3", "satp" or "ttbr0" (value may be NULL: the name only).
 */
MMUSIM_API const char *mmusim_root_register(const mmusim_machine *m, uint64_t *value);
/* Page-table nodes over all tables of the machine. */
MMUSIM_API uint64_t mmusim_nr_nodes(const mmusim_machine *m);

/* ---------------------------------------------------------------- the walk */

enum mmusim_access { MMUSIM_READ, MMUSIM_WRITE, MMUSIM_EXEC };
enum mmusim_priv { MMUSIM_USER, MMUSIM_SUPERVISOR };

/* Effective permissions, as the hardware grants them. */
enum mmusim_perm {
	MMUSIM_PERM_R = 1u << 0,
	MMUSIM_PERM_W = 1u << 1,
	MMUSIM_PERM_X = 1u << 2,
	MMUSIM_PERM_U = 1u << 3,
	MMUSIM_PERM_G = 1u << 4,
};

enum mmusim_fault_kind {
	MMUSIM_FAULT_NONE,
	MMUSIM_FAULT_NON_CANONICAL,
	MMUSIM_FAULT_NOT_PRESENT,
	MMUSIM_FAULT_RESERVED_BIT,
	MMUSIM_FAULT_PERMISSION,
	MMUSIM_FAULT_MISALIGNED_SUPERPAGE,
	MMUSIM_FAULT_ACCESSED_DIRTY,      /* RISC-V Svade */
	MMUSIM_FAULT_NO_LEAF,             /* RISC-V: pointer PTE at the last level */
	MMUSIM_FAULT_BUS_ERROR,           /* a PTE address outside physical memory */
	MMUSIM_FAULT_KIND_COUNT
};

#define MMUSIM_MAX_LEVELS 5

/* What to translate. */
typedef struct mmusim_request {
	uint64_t va;
	enum mmusim_access access;
	enum mmusim_priv priv;
	bool smap_ac;        /* x86 EFLAGS.AC=1: SMAP does not apply */
	bool no_ad_update;   /* inspect only: leave A/D bits in memory alone */
} mmusim_request;

/* One PTE the walk read. */
typedef struct mmusim_walk_step {
	unsigned level;      /* nr_levels at the root, 1 at the base-page level */
	uint64_t table;      /* PA of the node read */
	unsigned index;      /* the index the VA selects in it */
	uint64_t pte_addr;   /* table + index * PTE size */
	uint64_t pte;        /* the value read, before any A/D update */
} mmusim_walk_step;

/* The outcome of one walk: a translation or a fault, and the PTEs read. */
typedef struct mmusim_translation {
	bool ok;             /* true: pa..perms are valid; false: fault_* are */
	/*
	 * A VM's answer: stage 2 refused (fault_code is then the hypervisor's:
	 * ESR_EL2, the EPT exit qualification, EXITINFO1, scause), and
	 * mmusim_fault_describe says it as the hypervisor is told it.  In the
	 * padding after ok: the struct keeps the size and offsets of 0.2.0.
	 */
	bool fault_stage2;
	uint64_t pa;
	unsigned level;      /* leaf level */
	uint64_t page_size;
	/*
	 * MMUSIM_PERM_R/W/X: the accesses the hardware allows req->priv on this
	 * page with the config's control bits (x86 CR0.WP, SMEP, SMAP and
	 * req->smap_ac, PKRU; RISC-V MXR, SUM) — not merely the entry's bits;
	 * MMUSIM_PERM_U: a user page (U set in every entry); MMUSIM_PERM_G: global.
	 */
	unsigned perms;
	uint64_t leaf_pte;   /* after any A/D update */
	enum mmusim_fault_kind fault_kind;
	unsigned fault_level;  /* level whose PTE faulted (x86 rights: the leaf); nr_levels for a bad VA */
	uint64_t fault_code;   /* x86 #PF error code (#GP: 0), RISC-V scause, or AArch64 ESR_EL1 */
	int fault_reason;      /* the precise rule; mmusim_fault_reason_text() says it */
	/*
	 * The entry that refused: for rights that combine over the levels (x86
	 * U/S, R/W, XD) the highest level whose entry takes the right away, else
	 * the entry at fault_level.  0 and 0 when no entry refused (a
	 * non-canonical VA reads none; a bus error could not read it).
	 */
	unsigned refused_level;
	uint64_t refused_pte_addr;
	unsigned nr_steps;
	mmusim_walk_step steps[MMUSIM_MAX_LEVELS];
} mmusim_translation;

/*
 * Walks req->va through the current address space as the hardware would,
 * updating A/D bits in memory unless req->no_ad_update.  No TLB is involved.
 * Always fills *out; a fault is a result, not an error.  Returns MMUSIM_OK, or
 * MMUSIM_EINVAL when req->access or req->priv is outside its enum: then
 * nothing is walked, out->ok is false with fault_kind MMUSIM_FAULT_NONE, and
 * mmusim_machine_last_error says why (also of MMUSIM_EINVAL for a NULL req or out).
 */
MMUSIM_API int mmusim_translate(mmusim_machine *m, const mmusim_request *req, mmusim_translation *out);

/* ---- virtual machines: two-stage translation ---- */

/*
 * A config with a `stage2:` block describes a virtual machine: the guest's
 * format, control bits and guest-physical RAM at the top, the host's
 * stage-2 format (EPT, NPT, RISC-V G-stage, Arm stage 2) and host RAM in the
 * block.  mmusim_map/unmap/protect edit the guest's current address space
 * (VA -> guest-physical address), mmusim_mem_* read and write guest-physical
 * memory, and mmusim_translate answers the host PA of the whole two-stage
 * translation (its steps are the guest's, at GPAs; a stage-2 fault has
 * fault_code the report's code).  The calls below reach the host side.
 */

/* Whether m is a virtual machine (its config has a stage2: block). */
MMUSIM_API bool mmusim_machine_is_vm(const mmusim_machine *m);

/* gmap / gunmap / gprotect: edit the stage-2 table (GPA -> host PA); MMUSIM_EINVAL if m is not a VM. */
MMUSIM_API int mmusim_gmap(mmusim_machine *m, uint64_t gpa, uint64_t hpa, uint64_t len, uint32_t flags,
			   enum mmusim_cache cache, mmusim_error *err);
MMUSIM_API int mmusim_gunmap(mmusim_machine *m, uint64_t gpa, uint64_t len, mmusim_error *err);
MMUSIM_API int mmusim_gprotect(mmusim_machine *m, uint64_t gpa, uint64_t len, uint32_t flags,
			       enum mmusim_cache cache, mmusim_error *err);

/* Host PA of the stage-2 root (0 if m is not a VM), and its register value (hgatp, EPTP...). */
MMUSIM_API uint64_t mmusim_stage2_root(const mmusim_machine *m);
MMUSIM_API uint64_t mmusim_stage2_root_register(const mmusim_machine *m);
/* The stage-2 register's name ("hgatp", "eptp", "ncr3", "vttbr_el2"), or NULL if m is not a VM. */
MMUSIM_API const char *mmusim_stage2_root_register_name(const mmusim_machine *m);
/* The guest's root register under this stage 2 ("vsatp" under the G-stage), or NULL if m is not a VM. */
MMUSIM_API const char *mmusim_guest_root_register_name(const mmusim_machine *m, char *buf, size_t len);
/* The stage-2 format's config (levels, widths) as a config handle's queries see it; NULL if not a VM. */
MMUSIM_API unsigned mmusim_stage2_levels(const mmusim_machine *m);

/* Where a two-stage translation faulted. */
enum mmusim_stage {
	MMUSIM_STAGE_NONE,         /* it did not */
	MMUSIM_STAGE_GUEST,        /* the guest's own page fault (stage 1) */
	MMUSIM_STAGE_HOST_TABLE,   /* stage 2 refused the GPA of a guest page-table entry */
	MMUSIM_STAGE_HOST_FINAL,   /* stage 2 refused the GPA the guest's translation gives */
};

/* One stage-2 walk of a two-stage translation: a row of the 2-D grid. */
enum mmusim_row_kind {
	MMUSIM_ROW_TABLE_READ,     /* the GPA of a guest entry, read */
	MMUSIM_ROW_TABLE_WRITE,    /* the same GPA written: the guest walk set A or D */
	MMUSIM_ROW_FINAL,          /* the GPA of the guest's translation */
};

#define MMUSIM_MAX_ROWS (2 * MMUSIM_MAX_LEVELS + 1)

typedef struct mmusim_stage2_row {
	enum mmusim_row_kind kind;
	unsigned guest_level;      /* the guest level whose entry this GPA holds (0 for the final row) */
	uint64_t gpa;
	mmusim_translation walk;   /* its stage-2 walk: pa the host PA */
} mmusim_stage2_row;

typedef struct mmusim_nested_translation {
	bool ok;
	uint64_t hpa;              /* when ok */
	uint64_t gpa;              /* the guest's translation, when the guest walk succeeded */
	uint64_t page_size;        /* of the combined translation: the smaller of the two pages */
	enum mmusim_stage fault_stage;
	uint64_t fault_gpa;        /* the GPA stage 2 refused */
	/*
	 * A stage-2 fault as the hypervisor is told it: code, addr and extra
	 * named by the architecture (scause/htval/htinst; EPT exit qualification,
	 * guest-physical and guest-linear address; NPT EXITINFO1/EXITINFO2; Arm
	 * ESR_EL2/HPFAR_EL2/FAR_EL2), and in words.
	 */
	uint64_t report_code, report_addr, report_extra;
	char report_code_name[16], report_addr_name[16], report_extra_name[16];
	char report_text[256];
	mmusim_translation guest;  /* the guest's walk: its pa is the GPA, its steps at GPAs */
	mmusim_translation combined; /* what mmusim_translate answers for the same walk */
	unsigned references;       /* entries read in both dimensions (A/D write rows not counted) */
	unsigned nr_rows;
	mmusim_stage2_row rows[MMUSIM_MAX_ROWS];
} mmusim_nested_translation;

/*
 * The references of a VM's 2-D walks since the last reset: reads[g][h] the
 * stage-2 entries read at host level h for the GPA of the guest entry at
 * level g (g = 0: the final GPA), reads[g][0] the guest entries of level g.
 */
typedef struct mmusim_nested_stats {
	unsigned guest_levels, host_levels;
	uint64_t walks;
	uint64_t guest_reads, host_reads;
	uint64_t reads[MMUSIM_MAX_LEVELS + 1][MMUSIM_MAX_LEVELS + 1];
	uint64_t guest_faults;       /* the guest's page faults, demand-paged ones included */
	uint64_t host_faults;        /* stage-2 faults */
	uint64_t host_demand_paged;  /* stage-2 faults the host filled (back_guest_memory: false) */
	bool has_tlb;                /* the config has a nested TLB (stage2.tlb): */
	uint64_t tlb_hits, tlb_misses;  /* its lookups, one per stage-2 translation the walks asked for */
	unsigned nr_pwc;             /* stage-2 PWCs (stage2.pwc), for levels pwc_level[0..nr_pwc): */
	unsigned pwc_level[MMUSIM_MAX_LEVELS];
	uint64_t pwc_hits[MMUSIM_MAX_LEVELS], pwc_misses[MMUSIM_MAX_LEVELS];
	unsigned vms;                /* virtual machines the host runs (vm N) */
} mmusim_nested_stats;

struct mmusim_mmu;
/* Fills *out for an mmu over a VM; MMUSIM_EINVAL (and *out zeroed) for a one-stage machine. */
MMUSIM_API int mmusim_mmu_nested_stats(const struct mmusim_mmu *mmu, mmusim_nested_stats *out);

/*
 * The two-stage walk of req->va, in hardware order, with its 2-D grid: the
 * guest walk, and one stage-2 walk per guest entry read (and per A/D write)
 * and for the final GPA.  MMUSIM_EINVAL if m is not a VM or req is bad.
 */
MMUSIM_API int mmusim_translate_nested(mmusim_machine *m, const mmusim_request *req,
				       mmusim_nested_translation *out);

/* "r", "w", "x" for an access; "user", "supervisor" for a privilege. */
MMUSIM_API const char *mmusim_access_name(enum mmusim_access access);
MMUSIM_API const char *mmusim_priv_name(enum mmusim_priv priv);
/* "non-canonical", "not-present", "reserved-bit", "permission", ... ("none" for 0). */
MMUSIM_API const char *mmusim_fault_kind_name(enum mmusim_fault_kind kind);
/* One sentence saying which rule faulted (for fault_reason). */
MMUSIM_API const char *mmusim_fault_reason_text(int reason);
/* Writes perms as five characters "rwxug", '-' for each absent one, plus NUL. */
MMUSIM_API void mmusim_perms_string(unsigned perms, char buf[6]);
/*
 * The PTE functions below take the `level` the entry is read at, 1 (base
 * page) to the levels of the config's tables (the deeper half's, on a
 * split-root format): at any other level they give 0 (false; describe an
 * empty string), as no entry is read there.
 *
 * The physical address a PTE at `level` holds: the next table's, or the page's for a leaf.
 */
MMUSIM_API uint64_t mmusim_pte_address(const mmusim_config *cfg, uint64_t pte, unsigned level);
/*
 * The frame of the page at va that the leaf pte (at level) maps: its address
 * without the bits below the page size, except where the format's entries
 * name a larger page (RISC-V Svnapot: each of a 64 KiB NAPOT page's 16
 * entries, whose 4 KiB page va picks).
 */
MMUSIM_API uint64_t mmusim_pte_leaf_frame(const mmusim_config *cfg, uint64_t pte, unsigned level, uint64_t va);
/* True when the PTE is present (x86 P, RISC-V V): the hardware looks at its other bits. */
MMUSIM_API bool mmusim_pte_present(const mmusim_config *cfg, uint64_t pte);
/*
 * True when a present PTE at `level` maps a page rather than pointing to the
 * next table, as the hardware with the config's control bits reads it (x86_32:
 * PS is ignored while CR4.PSE=0).
 */
MMUSIM_API bool mmusim_pte_leaf(const mmusim_config *cfg, uint64_t pte, unsigned level);
/*
 * The bits of a present PTE at `level` that hold the address the hardware
 * uses: those whose change moves it and keeps the entry present and of its
 * kind — for a leaf only the frame bits above its page size, and only bits
 * below phys_addr_width (MAXPHYADDR).
 */
MMUSIM_API uint64_t mmusim_pte_address_mask(const mmusim_config *cfg, uint64_t pte, unsigned level);
/*
 * The address those bits hold: mmusim_pte_address without the bits the
 * hardware does not take (at or above phys_addr_width, a leaf's below its
 * page size); 0 with an empty mask (a leaf at a level that maps no pages).
 */
MMUSIM_API uint64_t mmusim_pte_address_field(const mmusim_config *cfg, uint64_t pte, unsigned level);
/*
 * A leaf PTE's MMUSIM_PROP_* bits.  Comparing a walk's last step (the PTE as read)
 * with mmusim_translation's leaf_pte (as left) tells which of A and D the walk set.
 */
MMUSIM_API uint32_t mmusim_pte_flags(const mmusim_config *cfg, uint64_t pte, unsigned level);
/* What the spec calls the entry read at `level`: "PML4E", "PDPTE", "PDE", "PTE" (RISC-V, toy: "PTE"). */
MMUSIM_API const char *mmusim_config_entry_name(const mmusim_config *cfg, unsigned level);
/* The PTE's set bits by the architecture's names, e.g. "P RW US A PS XD"; P/V clear: "not-present". */
MMUSIM_API void mmusim_pte_describe(const mmusim_config *cfg, uint64_t pte, unsigned level, char *buf,
				    size_t len);
/* A fault as the architecture reports it, e.g. "#PF error code 0x6 (W U)", into buf. */
MMUSIM_API void mmusim_fault_describe(const mmusim_config *cfg, const mmusim_translation *t, char *buf,
				      size_t len);

/*
 * Why t faulted, in one sentence for this config (t from mmusim_translate of
 * va): fault_reason's rule with the entry named as the format names it at
 * the level that faulted ("the PDPTE is not present (P/V bit clear)", "the
 * L2 descriptor is invalid (bit 0 clear)"; a VM's stage-2 fault: the
 * stage-2 format's name, "the EPT PDE ..."), the reserved bits the faulting
 * entry sets where the rule covers several ("D and A are set in a non-leaf
 * PTE, ..."), and for a bad VA this config's bit positions (48-bit x86-64:
 * "bits 63:48 are not all copies of bit 47").  "no fault" when t->ok.
 * Truncated to len - 1 characters (160 always suffice).
 */
MMUSIM_API void mmusim_fault_reason_describe(const mmusim_config *cfg, uint64_t va, const mmusim_translation *t,
					     char *buf, size_t len);

/* -------------------------------------------------------------- the traces */

enum mmusim_trace_format {
	MMUSIM_TRACE_AUTO,   /* sniff: binary magic, else lackey, else text */
	MMUSIM_TRACE_TEXT,
	MMUSIM_TRACE_LACKEY, /* valgrind --tool=lackey --trace-mem=yes */
	MMUSIM_TRACE_BINARY,
	MMUSIM_TRACE_CHAMPSIM,  /* ChampSim binary instruction records */
	MMUSIM_TRACE_DIN,       /* DineroIV din: "LABEL ADDRESS" lines */
	MMUSIM_TRACE_PINATRACE, /* Intel Pin pinatrace: "IP: R|W ADDRESS" lines */
	MMUSIM_TRACE_DRMEMTRACE, /* DynamoRIO drmemtrace final-format trace_entry_t records (64-bit) */
};

enum mmusim_event_op {
	MMUSIM_EV_ACCESS,    /* va, access, size */
	MMUSIM_EV_MAP,       /* va, pa, len, flags, cache */
	MMUSIM_EV_UNMAP,     /* va, len */
	MMUSIM_EV_PROTECT,   /* va, len, flags, cache */
	MMUSIM_EV_ASID,      /* n = address-space id */
	MMUSIM_EV_PRIV,      /* n = enum mmusim_priv */
	MMUSIM_EV_CPU,       /* n = CPU number */
	MMUSIM_EV_FLUSH,     /* scope; va and/or n = ASID as the scope says */
	MMUSIM_EV_STATS_RESET, /* zero the mmu's statistics (text: "stats reset") */
	/* A virtual machine's stage-2 table: va is the GPA, pa the host PA (text: gmap, gunmap, gprotect). */
	MMUSIM_EV_GMAP,      /* va = GPA, pa = host PA, len, flags, cache */
	MMUSIM_EV_GUNMAP,    /* va = GPA, len */
	MMUSIM_EV_GPROTECT,  /* va = GPA, len, flags, cache */
	MMUSIM_EV_GFLUSH,    /* n = enum mmusim_gflush_scope; va the GPA for MMUSIM_GFLUSH_GPA (text: gflush [gpa GPA | all]) */
	MMUSIM_EV_VM,        /* n = the virtual machine (VMID) to run, 0 .. 255 (text: vm N) */
	/*
	 * The OS layer's regions (replay only; a setup refuses them): an anonymous
	 * private region whose pages appear on first touch with its flags.
	 */
	MMUSIM_EV_MMAP,      /* va, len, flags (cache ignored); n = 1: shared (text: mmap VA LEN FLAGS [shared]) */
	MMUSIM_EV_MUNMAP,    /* va, len (text: munmap VA LEN) */
	/* The OS layer's processes (replay only; a setup refuses them). */
	MMUSIM_EV_FORK,      /* n = the child's ASID: the current address space copied copy-on-write (text: fork ASID) */
	MMUSIM_EV_EXIT,      /* n = the ASID whose pages, regions and swap are freed (text: exit ASID) */
	MMUSIM_EV_THREAD,    /* n = the thread id that issues what follows, at most 2^20 - 1 (text: thread N);
				replay runs thread N on CPU N (the CLI's --threads-to-cpus maps them otherwise) */
	/*
	 * Authoring a table by hand: memory is written directly and no TLB or
	 * page-walk cache is told (a stale entry goes on being used until a
	 * flush).  Replay and mmusim_apply_event run them; the binary trace
	 * format does not carry them.  A map event's size, when not 0, is log2
	 * of the page size its leaves must take (text: map ... size=4K).
	 */
	MMUSIM_EV_POKE,      /* pa, len = the value, size = 1, 2, 4 or 8 bytes (0: the PTE size) (text: poke PA VALUE [SIZE]) */
	MMUSIM_EV_SET_PTE,   /* va, n = the level (1 = leaf, the root = the number of levels), len = the entry's value
				(text: set-pte VA LEVEL VALUE) */
	MMUSIM_EV_PTE_FIELD, /* va, n = the level, pa = the field's name packed 6 bits a character (a-z 1-26,
				0-9 27-36, '_' 37; first character lowest), len = its value (text: pte VA LEVEL NAME=VALUE) */
};

/* What a gflush event drops: the running VM's stage-2 and combined entries, one GPA's, or every VM's. */
enum mmusim_gflush_scope { MMUSIM_GFLUSH_VM, MMUSIM_GFLUSH_GPA, MMUSIM_GFLUSH_ALL_VMS };

/*
 * What a flush drops: one of the first five, optionally OR'ed with the
 * modifiers MMUSIM_FLUSH_LAST_LEVEL and MMUSIM_FLUSH_ALL_CPUS (C++ callers cast
 * the OR'ed value back to the enum).  A VA stands for its base page (and any
 * larger entry covering it).
 */
enum mmusim_flush_scope {
	MMUSIM_FLUSH_ALL,     /* everything, globals too (Arm TLBI VMALLE1) */
	MMUSIM_FLUSH_VA,      /* one VA in every address space, globals too (TLBI VAAE1) */
	MMUSIM_FLUSH_ASID,    /* every non-global entry of one ASID (TLBI ASIDE1) */
	MMUSIM_FLUSH_VA_ASID, /* one VA's non-global entry in one ASID (INVPCID, sfence.vma VA, ASID) */
	MMUSIM_FLUSH_VA_ASID_GLOBAL, /* one VA's non-global entry in one ASID and its global one (TLBI VAE1) */
	/* Modifiers: */
	MMUSIM_FLUSH_LAST_LEVEL = 0x10, /* TLB entries only; paging-structure caches keep theirs (TLBI VALE1) */
	MMUSIM_FLUSH_ALL_CPUS = 0x20,   /* every CPU's caches, not just the current one's (TLBI ...IS) */
};

/* One trace event. */
typedef struct mmusim_event {
	enum mmusim_event_op op;
	enum mmusim_access access;   /* MMUSIM_EV_ACCESS */
	unsigned size;               /* bytes accessed, at most 65535 (more: MMUSIM_EINVAL); 0 = unknown, taken as 1 */
	enum mmusim_flush_scope scope;
	uint32_t n;
	uint64_t va, pa, len;
	uint32_t flags;              /* MMUSIM_PROP_* */
	enum mmusim_cache cache;
	uint64_t line;               /* where it came from (line, or record number) */
} mmusim_event;

typedef struct mmusim_trace mmusim_trace;

/* "auto", "text", "lackey", "binary", "champsim", "din", "pinatrace", "drmemtrace" ("unknown" past them). */
MMUSIM_API const char *mmusim_trace_format_name(enum mmusim_trace_format fmt);
/* Parses a format name; MMUSIM_EINVAL for an unknown one (or a NULL name or out). */
MMUSIM_API int mmusim_trace_format_parse(const char *name, enum mmusim_trace_format *out);

/* Opens a trace file ("-" = stdin) for streaming; free with mmusim_trace_close. */
MMUSIM_API int mmusim_trace_open(const char *path, enum mmusim_trace_format fmt,
				 mmusim_trace **out, mmusim_error *err);
/* What a decompressor (xz, zstd) may use unless told otherwise: 256 MiB. */
#define MMUSIM_DECODER_MEMORY_DEFAULT ((uint64_t)256 << 20)

/* How mmusim_trace_open_opts opens a trace; zero fields take the defaults. */
typedef struct mmusim_trace_options {
	enum mmusim_trace_format format; /* MMUSIM_TRACE_AUTO: detected */
	uint64_t decoder_memory;         /* bytes a decompressor may use (0: MMUSIM_DECODER_MEMORY_DEFAULT);
	                                    an xz dictionary or zstd window above it is refused with
	                                    "xz data needs more memory than the limit (N MiB); ..." */
} mmusim_trace_options;

/*
 * mmusim_trace_open with options (opt may be NULL: the defaults).  Whatever the
 * options, a line of a text format longer than 65536 bytes or holding a NUL
 * byte is a malformed trace.
 */
MMUSIM_API int mmusim_trace_open_opts(const char *path, const mmusim_trace_options *opt, mmusim_trace **out,
				      mmusim_error *err);
/*
 * The same over an open descriptor (a pipe from a traced program, say), read to
 * its end; `name` is what messages call it ("name:LINE: message").  Closing the
 * trace does not close fd.
 */
MMUSIM_API int mmusim_trace_open_fd(int fd, const char *name, enum mmusim_trace_format fmt,
				    mmusim_trace **out, mmusim_error *err);
/* The format being read (never MMUSIM_TRACE_AUTO). */
MMUSIM_API enum mmusim_trace_format mmusim_trace_format(const mmusim_trace *t);
/*
 * Decodes up to max events into ev.  Returns how many (0 at the end), or -1 for
 * a malformed or truncated trace with "path:LINE: message" in *err, or for max
 * 0 or ev NULL (MMUSIM_EINVAL: 0 would read as the end).
 */
MMUSIM_API long mmusim_trace_next(mmusim_trace *t, mmusim_event *ev, size_t max, mmusim_error *err);
/*
 * A warning about the input read so far, or NULL: a binary trace written
 * before end records existed ends without one, so a cut at a record boundary
 * cannot be told from its end ("no end record: the trace may be truncated",
 * set once its end is reached).  The text lives as long as t.
 */
MMUSIM_API const char *mmusim_trace_warning(const mmusim_trace *t);
/* Bytes read so far and the file's size (0 when unknown, e.g. a pipe): for progress; a NULL out is skipped. */
MMUSIM_API void mmusim_trace_progress(const mmusim_trace *t, uint64_t *offset, uint64_t *size);
/* Closes the trace (NULL is ignored). */
MMUSIM_API void mmusim_trace_close(mmusim_trace *t);

/*
 * Parses one line of the text format ("map 0x400000 0x200000 8K rxu cache=wc",
 * "r 0x400010", "flush va 0x1000 asid 3", ...).  Returns 1 with *ev filled, 0 for
 * a blank or comment line, or -1 with a message (no file:line prefix) in *err.
 */
MMUSIM_API int mmusim_parse_trace_line(const char *line, mmusim_event *ev, mmusim_error *err);
/*
 * The most events one text trace line makes: `pte VA LEVEL NAME=VALUE...`
 * sets up to this many fields, one MMUSIM_EV_PTE_FIELD event each (which
 * mmusim_parse_trace_line refuses when there are several).
 */
#define MMUSIM_TRACE_LINE_EVENTS 9
/*
 * mmusim_parse_trace_line for any line: fills ev[0 .. n) (max at least
 * MMUSIM_TRACE_LINE_EVENTS) and returns n, 0 for a blank line, or -1 with a message.
 */
MMUSIM_API int mmusim_parse_trace_line_events(const char *line, mmusim_event *ev, size_t max, mmusim_error *err);
/*
 * Parses a number as traces and configs write them: decimal or 0x-hex and, with
 * sizes true, an optional binary suffix K, M, G, T (KiB ... TiB).  The whole
 * string must be the number.  MMUSIM_EINVAL or MMUSIM_EOVERFLOW with a message.
 */
MMUSIM_API int mmusim_parse_number(const char *s, bool sizes, uint64_t *out, mmusim_error *err);

/*
 * Applies one event to the machine itself, without TLBs (what `mmusim translate
 * --setup` does): map / unmap / protect edit the current address space, asid
 * switches it, an access walks with privilege *priv (setting A/D; a fault is not
 * an error), priv sets *priv, cpu, flush and stats reset change nothing.  An
 * event whose op, access, privilege, scope, flags or cache policy is outside its
 * enum is MMUSIM_EINVAL, and nothing changes.
 */
MMUSIM_API int mmusim_apply_event(mmusim_machine *m, const mmusim_event *ev, enum mmusim_priv *priv,
				  mmusim_error *err);
/*
 * Applies every event of t with mmusim_apply_event, starting in user mode.
 * Stops at the first bad line or refused edit with "path:LINE: message".
 */
MMUSIM_API int mmusim_apply_trace(mmusim_machine *m, mmusim_trace *t, mmusim_error *err);

typedef struct mmusim_trace_writer mmusim_trace_writer;

/*
 * Starts a binary trace for path ("-" = stdout), written as mmusim_output_open
 * writes: the file appears under its name only once mmusim_trace_writer_close
 * succeeds.  A path ending in ".gz", ".xz" or ".zst" is compressed with that
 * codec (see mmusim_compressor_open).
 */
MMUSIM_API int mmusim_trace_writer_open(const char *path, mmusim_trace_writer **out, mmusim_error *err);
/* Appends n events; refuses (MMUSIM_EINVAL) one that mmusim_mmu_event would refuse as malformed. */
MMUSIM_API int mmusim_trace_writer_put(mmusim_trace_writer *w, const mmusim_event *ev, size_t n,
				       mmusim_error *err);
/*
 * Ends the trace with its end record (the record count, which proves to a
 * reader that nothing was cut off), flushes, and puts the file in place.
 * After any write error, earlier or now, the file is removed instead and the
 * first error returned.  Frees w (NULL is ignored).
 */
MMUSIM_API int mmusim_trace_writer_close(mmusim_trace_writer *w, mmusim_error *err);
/*
 * Gives up the trace (the input had an error, say): removes the file, leaving
 * whatever had the name before.  On stdout, stops without the end record, so
 * a reader reports the trace as truncated.  Frees w (NULL is ignored).
 */
MMUSIM_API void mmusim_trace_writer_abort(mmusim_trace_writer *w);

/* ------------------------------------------------------------- output files */

/*
 * A file that appears whole or not at all: the bytes go to a temporary file in
 * the target's folder, which mmusim_output_commit renames over path only after
 * every write and the close succeeded.  On an error or mmusim_output_abort the
 * temporary file is removed and path keeps what it held (so an input of the
 * same name is never destroyed).  A new file gets mode 0666 less the umask; an
 * existing regular file's permission bits are kept; a symbolic link to a file
 * stays a link to the new file.  Targets a rename cannot replace (a FIFO, a
 * device such as /dev/null, the file stdout already writes to) are written
 * directly, and "-" is stdout, which commit flushes and checks but never
 * closes.  Every file mmusim itself writes (traces, ELF dumps) goes this way.
 */
typedef struct mmusim_output mmusim_output;

/* Creates the temporary file; MMUSIM_EIO "PATH: cannot create: REASON". */
MMUSIM_API int mmusim_output_open(const char *path, mmusim_output **out, mmusim_error *err);
/* A stdio stream to write to (stdout for "-"); NULL only when out of memory.  Do not fclose it. */
MMUSIM_API FILE *mmusim_output_stream(mmusim_output *o);
/* The descriptor behind it, for write(2) (do not mix with unflushed stream writes). */
MMUSIM_API int mmusim_output_fd(const mmusim_output *o);
/*
 * Flushes, closes and renames into place; MMUSIM_EIO "PATH: write error: REASON"
 * if any write, the flush, the close or the rename failed (the file is then
 * removed).  Frees o (NULL is ignored).
 */
MMUSIM_API int mmusim_output_commit(mmusim_output *o, mmusim_error *err);
/* Removes the temporary file, leaving path as it was; frees o (NULL is ignored). */
MMUSIM_API void mmusim_output_abort(mmusim_output *o);

/*
 * A byte stream onto the caller's descriptor fd, compressed as name's suffix
 * says (".zst", ".xz", ".gz": the codecs the trace readers take; any other
 * name: written as it comes), so that a trace saved under such a name is
 * what its name says.  Like write(2): false on an error, with errno telling
 * why.  fd stays the caller's (never closed here).  NULL: out of memory.
 */
typedef struct mmusim_compressor mmusim_compressor;
MMUSIM_API mmusim_compressor *mmusim_compressor_open(const char *name, int fd);
/* All n bytes of buf, through EINTR and short writes. */
MMUSIM_API bool mmusim_compressor_write(mmusim_compressor *c, const void *buf, size_t n);
/* Ends the compressed stream and frees c; false on an error (c is freed all the same). */
MMUSIM_API bool mmusim_compressor_finish(mmusim_compressor *c);
/* Frees c without ending the stream (the output is being thrown away); NULL is ignored. */
MMUSIM_API void mmusim_compressor_free(mmusim_compressor *c);

/* ---------------------------------------------------- TLB model and replay */

typedef struct mmusim_mmu mmusim_mmu;

typedef struct mmusim_mmu_options {
	uint64_t demand_page_size; /* 0: off; else a not-present user fault maps a fresh
	                              page of this size (the base page or a leaf size) */
	bool no_auto_flush;        /* edits leave TLBs alone: stale entries stay visible */
	bool check_stale;          /* count TLB hits that disagree with the page table */
	uint64_t interval;         /* 0: off; else a CSV row to interval_csv every `interval`
	                              accesses: miss rate per TLB, walks, faults */
	FILE *interval_csv;        /* the caller's stream; mmusim_mmu_finish writes the last row.
	                              Rows count every access: translated, or replayed as
	                              events or traces. */
	/*
	 * The OS layer (limited memory, page replacement, swap): on from the start
	 * when resident_pages or replacement is set (the CSV rows then gain the
	 * paging columns), else from the first MMUSIM_EV_MMAP.  With it, every
	 * not-present fault on a user VA is the OS's (demand paging in base pages).
	 */
	uint64_t resident_pages;   /* 0: no limit; else at most this many user pages resident */
	const char *replacement;   /* "fifo" (NULL: fifo), "lru", "clock", "opt" (needs
	                              mmusim_mmu_read_future), "random" */
	uint64_t seed;             /* random: the generator's seed (0 taken as 1) */
	bool no_clock_flush;       /* clock: clearing an A bit leaves the page's TLB entries */
	bool clock_flush;          /* clock: flush them even when the config's os: block says
	                              clock_flush: false (an option given wins over the config) */
} mmusim_mmu_options;

/*
 * Creates the TLB model of machine m as its config describes it (TLBs and
 * paging-structure caches per CPU, latencies), with CPU 0 current, in ASID 0,
 * user mode.  opt may be NULL (all off).  m must outlive the mmu.  Page-table
 * edits made with mmusim_map / mmusim_unmap / mmusim_protect do not reach the
 * TLBs (as on hardware, they need a flush: mmusim_mmu_flush); edits sent as
 * events (mmusim_mmu_event) shoot down the affected entries unless no_auto_flush.
 * The mmu's CPUs keep their own current ASID, independent of the machine's.
 */
MMUSIM_API int mmusim_mmu_create(mmusim_machine *m, const mmusim_mmu_options *opt,
				 mmusim_mmu **out, mmusim_error *err);
/* Frees the TLB model (not the machine; NULL is ignored). */
MMUSIM_API void mmusim_mmu_destroy(mmusim_mmu *mmu);
/* Writes the last, partial interval CSV row (if any accesses happened since the previous one). */
MMUSIM_API void mmusim_mmu_finish(mmusim_mmu *mmu);

/* The result of one translation through the TLBs. */
typedef struct mmusim_mmu_result {
	bool ok;
	uint64_t pa;
	uint64_t page_size;
	enum mmusim_fault_kind fault_kind;
	unsigned fault_level;
	uint64_t fault_code;
} mmusim_mmu_result;

/*
 * Translates va for the current CPU, address space and privilege through the
 * TLBs, the paging-structure caches and the walk, exactly as an access event
 * of one page would be (mmusim_mmu_event): counted in the statistics, with
 * demand paging when it is on (then *out is the retried access), a fault
 * that stays counted too.  Returns MMUSIM_OK (a fault is a result); MMUSIM_EINVAL
 * for an access outside enum mmusim_access (out->ok false, fault_kind
 * MMUSIM_FAULT_NONE); or the error demand paging met (MMUSIM_ENOMEM when
 * simulated memory runs out); MMUSIM_EINVAL for a NULL out (nothing translated).
 * mmusim_mmu_last_error says why.
 */
MMUSIM_API int mmusim_mmu_translate(mmusim_mmu *mmu, uint64_t va, enum mmusim_access access,
				    mmusim_mmu_result *out);
/*
 * Runs one trace event: an access (one translation per page it touches, demand
 * paging as configured), a page-table edit (with TLB shootdown on every CPU
 * unless no_auto_flush), an ASID switch, a privilege change, a CPU switch, a
 * flush or a statistics reset.  Errors name the event's line; an op, access,
 * privilege, scope, flag set or cache policy outside its enum is MMUSIM_EINVAL.
 */
MMUSIM_API int mmusim_mmu_event(mmusim_mmu *mmu, const mmusim_event *ev, mmusim_error *err);
/*
 * Replays a whole trace, streaming it; stops at the first malformed event or
 * failed edit (the statistics so far remain) with "path:LINE: message".
 */
MMUSIM_API int mmusim_mmu_replay(mmusim_mmu *mmu, mmusim_trace *t, mmusim_error *err);
/*
 * mmusim_mmu_replay that calls progress(arg, offset, size) after each batch of
 * events, with what mmusim_trace_progress reports (for a progress bar).
 * progress may be NULL.
 */
MMUSIM_API int mmusim_mmu_replay_progress(mmusim_mmu *mmu, mmusim_trace *t,
					  void (*progress)(void *arg, uint64_t offset, uint64_t size),
					  void *arg, mmusim_error *err);

/* Most threads mmusim_mmu_replay_many runs on. */
#define MMUSIM_REPLAY_THREADS_MAX 256

/*
 * Replays one trace through n mmus (each over its own machine), reading and
 * decoding it once: every batch of events goes to every mmu, on `threads`
 * threads (1 .. MMUSIM_REPLAY_THREADS_MAX; 1 runs all in the calling thread),
 * each mmu seeing exactly the events a separate mmusim_mmu_replay would.  An
 * mmu whose replay fails stops there while the others go on: mmu_errs[i] (when
 * mmu_errs is not NULL) gets its error, or code MMUSIM_OK.  Returns MMUSIM_OK;
 * -1 with the trace's "path:LINE: message" in *err once every mmu has run the
 * events before it; or a status (MMUSIM_ENOMEM, MMUSIM_EINVAL) before anything ran:
 * MMUSIM_EINVAL also for a NULL mmu, an mmu named twice or two mmus over one machine.
 */
MMUSIM_API int mmusim_mmu_replay_many(mmusim_mmu *const *mmus, size_t n, mmusim_trace *t, unsigned threads,
				      mmusim_error *mmu_errs, mmusim_error *err);

/* CPUs are numbered 0 .. MMUSIM_MAX_CPUS - 1. */
#define MMUSIM_MAX_CPUS 1024
/* Makes CPU `cpu` (0..1023) current; its caches are created on first use. */
MMUSIM_API int mmusim_mmu_select_cpu(mmusim_mmu *mmu, unsigned cpu, mmusim_error *err);
/*
 * Switches the current CPU to address space `asid` (created on first use);
 * EINVAL if it does not fit the root register (x86_64 PCIDs: 12 bits).  On
 * x86_32 (no PCIDs) it is a CR3 load: the CPU's non-global TLB entries and its
 * paging-structure caches are dropped.
 */
MMUSIM_API int mmusim_mmu_switch_asid(mmusim_mmu *mmu, uint16_t asid, mmusim_error *err);
/*
 * Sets the current CPU's privilege.  MMUSIM_EINVAL (nothing changes;
 * mmusim_mmu_last_error says why) for a priv outside enum mmusim_priv.
 */
MMUSIM_API int mmusim_mmu_set_priv(mmusim_mmu *mmu, enum mmusim_priv priv);
/*
 * A flush instruction (sfence.vma, INVLPG, INVPCID, Arm TLBI): drops TLB and
 * paging-structure-cache entries of the current CPU by scope; va and asid are
 * used as scope says.  With MMUSIM_FLUSH_ALL_CPUS it reaches every CPU (as a
 * hardware broadcast: no shootdown is counted); with MMUSIM_FLUSH_LAST_LEVEL the
 * paging-structure caches are left alone.  MMUSIM_EINVAL (nothing is flushed)
 * for a scope outside enum mmusim_flush_scope and its modifiers.
 */
MMUSIM_API int mmusim_mmu_flush(mmusim_mmu *mmu, enum mmusim_flush_scope scope, uint64_t va,
				uint16_t asid);
/*
 * The message of the last call on mmu without an err argument that failed
 * (mmusim_mmu_translate, mmusim_mmu_set_priv, mmusim_mmu_flush), "" when none
 * has; valid until the next such call.
 */
MMUSIM_API const char *mmusim_mmu_last_error(const mmusim_mmu *mmu);

/*
 * Zeroes the statistics — everything mmusim_mmu_stats and mmusim_mmu_cache_stats
 * count (accesses, walks, PTE reads, faults, demand-paged pages, shootdowns,
 * stale hits, dirty re-walks, cycles; every TLB's and paging-structure cache's
 * hits, misses and evictions, on every CPU) — and restarts the interval CSV
 * series (its next row comes `interval` accesses later, counted from 0; rows
 * already written stay).  It keeps what the TLBs and caches hold, the page
 * tables, demand-paged pages, and the current CPU, ASID and privilege: what a
 * warm-up leaves.  (page_table_nodes and page_table_bytes describe the tables,
 * not the replay, and stay.)
 */
MMUSIM_API void mmusim_mmu_stats_reset(mmusim_mmu *mmu);
/*
 * A warm-up: the statistics reset by themselves (mmusim_mmu_stats_reset) right
 * after `accesses` more accesses have been counted, whichever way they come
 * (translations, events, traces; a page-crossing access counts once per page).
 * 0 cancels a pending warm-up.  A statistics reset meanwhile (a `stats reset`
 * line, mmusim_mmu_stats_reset) does not restart it: it still ends after
 * `accesses` accesses.
 */
MMUSIM_API void mmusim_mmu_warmup(mmusim_mmu *mmu, uint64_t accesses);
/*
 * The last warm-up asked for (mmusim_mmu_warmup): *requested its accesses (0:
 * none, or cancelled), *left the accesses still to count before its reset (0:
 * it ended).  A warm-up still pending at the end of a replay never reset
 * anything: the statistics include every access of it.
 */
MMUSIM_API void mmusim_mmu_warmup_state(const mmusim_mmu *mmu, uint64_t *requested, uint64_t *left);

/* Totals over every CPU. */
typedef struct mmusim_stats {
	uint64_t accesses[3];                       /* by enum mmusim_access */
	uint64_t walks;                             /* every walk, also those ending in a fault */
	uint64_t walks_by_page_shift[64];           /* completed walks by log2(page size); walks
	                                               minus their sum: the walks that faulted */
	uint64_t pte_reads;
	uint64_t faults[MMUSIM_FAULT_KIND_COUNT];   /* not counting demand-paged ones */
	uint64_t demand_paged;
	uint64_t shootdowns;
	uint64_t stale_hits;
	uint64_t dirty_rewalks;
	uint64_t cycles;                            /* estimated from the latencies */
	uint64_t page_table_nodes;
	uint64_t page_table_bytes;
	uint64_t prefetch_walks;                    /* TLB prefetches' walks, not in walks */
	uint64_t prefetch_pte_reads;                /* ... and their PTE reads, not in pte_reads */
} mmusim_stats;

/* The current CPU: its number, its address space and its privilege (a NULL out is skipped). */
MMUSIM_API void mmusim_mmu_current(const mmusim_mmu *mmu, unsigned *cpu, uint16_t *asid,
				   enum mmusim_priv *priv);

/* One valid entry of a TLB or paging-structure cache, read-only. */
typedef struct mmusim_tlb_entry {
	uint64_t va;        /* first VA the entry covers (canonical) */
	uint64_t size;      /* bytes it covers: a page (TLB) or what one PTE of its level maps (PWC) */
	uint64_t pa;        /* TLB: the page's PA; PWC: the next table's */
	unsigned level;     /* level of the PTE it came from */
	unsigned perms;     /* TLB: MMUSIM_PERM_* granted; PWC: allowed by the levels so far */
	uint16_t asid;
	bool global;        /* TLB: survives address-space switches */
	bool dirty;         /* TLB: the leaf's D bit was set when cached */
	uint16_t vmid;      /* the virtual machine whose entry it is (0 on a native machine) */
	bool prefetched;    /* TLB: filled by a prefetch and not hit since */
} mmusim_tlb_entry;

/*
 * Calls fn for every valid entry of the current CPU's TLB number idx, or with
 * pwc true of its paging-structure cache idx (numbered as in
 * mmusim_mmu_cache_stats), set by set and way by way; what a debugger shows, it
 * changes nothing (no LRU update).  Stops when fn returns nonzero and returns
 * that value; returns 0 after the last entry, MMUSIM_EINVAL for idx out of range or a NULL fn.
 */
MMUSIM_API int mmusim_mmu_for_each_tlb_entry(const mmusim_mmu *mmu, bool pwc, unsigned idx,
					     int (*fn)(void *arg, const mmusim_tlb_entry *e), void *arg);

/* Fills *out with the statistics so far (nothing when out is NULL). */
MMUSIM_API void mmusim_mmu_stats(const mmusim_mmu *mmu, mmusim_stats *out);

/* Where a translation was served: the last lookup that answered. */
/*
 * NONE: the VA is not canonical (outside the address space: x86 #GP, a RISC-V
 * page fault, an Arm translation fault at level 0), refused before any TLB
 * lookup or walk, none of which it counts.
 */
enum mmusim_served { MMUSIM_SERVED_L1, MMUSIM_SERVED_L2, MMUSIM_SERVED_WALK, MMUSIM_SERVED_NONE };
/* Why a translation that hit a TLB walked anyway. */
enum mmusim_rewalk { MMUSIM_REWALK_NONE, MMUSIM_REWALK_DIRTY, MMUSIM_REWALK_REFUSED };
#define MMUSIM_MAX_LEVELS 5

/*
 * What one translation did (one per page an access touches), after demand
 * paging or the OS dealt with its fault.  cycles, walks and pte_reads are the
 * increase of the totals (mmusim_stats) it made: a replay's records add up
 * to its statistics (from the last statistics reset on).
 */
typedef struct mmusim_access_detail {
	uint64_t index;             /* translations so far, from 0 */
	unsigned cpu, vmid, asid;
	enum mmusim_priv priv;
	uint64_t va;                /* untagged */
	enum mmusim_access access;
	enum mmusim_served served;
	int tlb;                    /* the config's TLB (index, mmusim_config_tlb) that hit, -1: none */
	const char *tlb_name;       /* its name, or NULL */
	enum mmusim_rewalk rewalk;  /* a hit that walked anyway: served is then WALK */
	unsigned nr_pwc;            /* paging-structure caches probed, deepest first; only the last may hit */
	struct { unsigned level; bool hit; } pwc[MMUSIM_MAX_LEVELS];
	unsigned nr_ptes;           /* the walk's PTE reads in order (a VM: the guest's, at GPAs) */
	struct {
		unsigned level;
		uint64_t addr;
		const char *from;   /* the data cache that served it: "l1d", "l2", "llc", or "memory" */
	} pte[MMUSIM_MAX_LEVELS];
	uint64_t walks, pte_reads, cycles;
	bool set_accessed, set_dirty; /* the walk set A / D on the leaf */
	bool ok;
	uint64_t pa, page_size;     /* when ok */
	enum mmusim_fault_kind fault_kind; /* when !ok: the fault that stands */
	bool paged_in;              /* the MMU faulted; demand paging or the OS mapped the page and the retry succeeded */
} mmusim_access_detail;

typedef void (*mmusim_access_log_fn)(void *arg, const mmusim_access_detail *d);

/*
 * Calls fn(arg, record) after every translation from now on (accesses,
 * events, replays, mmusim_mmu_translate), or stops with fn NULL; replaces
 * mmusim_mmu_log_access_json's log.  The record lives until fn returns.
 * Off, the TLB-hit path costs nothing more.  Records count from index 0 again.
 * fn runs inside the call that translated: it must not destroy the mmu or its
 * machine, nor translate, replay or send events through the mmu.
 */
MMUSIM_API void mmusim_mmu_set_access_log(mmusim_mmu *mmu, mmusim_access_log_fn fn, void *arg);
/*
 * Writes one JSON line per translation to f from now on, as `mmusim replay
 * --log` does (README, "Per-translation log"), or stops with f NULL; replaces
 * mmusim_mmu_set_access_log's callback.  f stays the caller's: flush and close it.
 */
MMUSIM_API void mmusim_mmu_log_access_json(mmusim_mmu *mmu, FILE *f);

/*
 * Which CPU each thread of the trace runs on (MMUSIM_EV_THREAD, `thread N`):
 * thread N on cpu_of[N] where N < nr and cpu_of[N] != 0xffff, else on CPU
 * N % round_robin (round_robin 0: CPU N, one CPU each, the default).  The
 * table is copied.  MMUSIM_ENOMEM when it cannot be.
 */
MMUSIM_API int mmusim_mmu_set_threads_to_cpus(mmusim_mmu *mmu, unsigned round_robin, const uint16_t *cpu_of,
					      size_t nr, mmusim_error *err);

/* The OS layer's counters (see mmusim_mmu_options.resident_pages). */
typedef struct mmusim_paging_stats {
	uint64_t page_faults;   /* accesses that found their page non-resident, first touches included */
	uint64_t major_faults;  /* ... of a page that was in swap */
	uint64_t evictions;     /* resident pages the policy took a frame from */
	uint64_t swap_ins;
	uint64_t swap_outs;     /* evictions of dirty pages (D set in the PTE) */
	uint64_t cow_copies;    /* copy-on-write faults (0: fork is not modelled yet) */
	uint64_t segfaults;     /* touches outside every region of an address space that declared one */
} mmusim_paging_stats;

/*
 * Fills *out with the OS layer's counters; returns false (and zeros) when the
 * OS layer is off (no limit, no policy, no mmap so far).  A statistics reset
 * zeroes them too.
 */
MMUSIM_API bool mmusim_mmu_paging_stats(const mmusim_mmu *mmu, mmusim_paging_stats *out);

/* What the OS layer knows of a user page (the shell's show and explain mark it). */
enum mmusim_os_page {
	MMUSIM_OS_PAGE_NONE,      /* not the OS layer's (off, never touched, or placed by hand with map) */
	MMUSIM_OS_PAGE_RESIDENT,
	MMUSIM_OS_PAGE_COW,       /* resident, its frame shared copy-on-write since a fork */
	MMUSIM_OS_PAGE_SWAPPED,   /* out in swap: the next touch is a major fault */
};
/* The OS layer's view of va's page in the current CPU's address space; *swap_slot (may be NULL) gets a swapped page's slot. */
MMUSIM_API enum mmusim_os_page mmusim_mmu_os_page(const mmusim_mmu *mmu, uint64_t va, uint64_t *swap_slot);
/*
 * Calls fn for each swapped-out page of the current CPU's address space (its
 * VA and swap slot); stops when fn returns nonzero and returns that value, else 0
 * (MMUSIM_EINVAL for a NULL fn).
 */
MMUSIM_API int mmusim_mmu_for_each_swapped_page(const mmusim_mmu *mmu,
						int (*fn)(void *arg, uint64_t va, uint64_t swap_slot), void *arg);

/*
 * The replacement policy "opt" (Belady's MIN) needs the future: reads trace t
 * to its end before the replay (open the same trace again to replay it).  Does
 * nothing for other policies.  MMUSIM_EINVAL for a malformed trace ("path:LINE:
 * message"), MMUSIM_ENOMEM when the host cannot hold one entry per access.
 */
MMUSIM_API int mmusim_mmu_read_future(mmusim_mmu *mmu, mmusim_trace *t, mmusim_error *err);
/* The replacement policy needs the future and it has not been read (mmusim_mmu_read_future). */
MMUSIM_API bool mmusim_mmu_needs_future(const mmusim_mmu *mmu);

/* One TLB's or paging-structure cache's counters, summed over every CPU. */
typedef struct mmusim_cache_stats {
	const char *name;   /* the TLB's name; NULL for a paging-structure cache */
	unsigned level;     /* TLB: 1 or 2; PWC: the PTE level it caches */
	unsigned entries;
	unsigned ways;
	uint64_t hits;
	uint64_t misses;
	uint64_t evictions;
	uint64_t hits_by_page_shift[64];  /* TLB hits by log2(size of the entry hit) */
	uint64_t prefetches;              /* TLB: entries its prefetcher or line prefetch filled */
	uint64_t prefetch_useful;         /* ... hit before they left */
	uint64_t prefetch_useless;        /* ... evicted, flushed or overwritten unused */
} mmusim_cache_stats;

/*
 * Counters of TLB number idx (0 .. mmusim_config_nr_tlbs - 1), or with pwc true
 * of paging-structure cache idx (0 .. mmusim_config_nr_pwcs - 1).  MMUSIM_EINVAL
 * for an idx out of range.
 */
MMUSIM_API int mmusim_mmu_cache_stats(const mmusim_mmu *mmu, bool pwc, unsigned idx,
				      mmusim_cache_stats *out);

/*
 * Per-CPU statistics.  CPUs are numbered 0 .. mmusim_mmu_nr_cpus - 1 (the
 * highest CPU selected + 1); a number in that range never selected has no
 * statistics.  Each counter of mmusim_stats is charged to the CPU that was
 * current when it was counted (a shootdown to the CPU whose edit caused it),
 * so the CPUs' counters add up to mmusim_mmu_stats' totals.  Machine-wide
 * only, 0 here: walks_by_page_shift (a CPU switch charges the scalar counters
 * alone), page_table_nodes and page_table_bytes.  Both getters
 * return MMUSIM_EINVAL for a CPU never selected (or idx out of range).
 */
MMUSIM_API unsigned mmusim_mmu_nr_cpus(const mmusim_mmu *mmu);
MMUSIM_API int mmusim_mmu_cpu_stats(const mmusim_mmu *mmu, unsigned cpu, mmusim_stats *out);
/* As mmusim_mmu_cache_stats, for CPU cpu's own TLB or paging-structure cache. */
MMUSIM_API int mmusim_mmu_cpu_cache_stats(const mmusim_mmu *mmu, unsigned cpu, bool pwc, unsigned idx,
					  mmusim_cache_stats *out);

/*
 * The data caches of the config's `caches:` block, which the walker's PTE
 * reads (and with `data: true` the trace's loads and stores) go through.
 * Where-indexes 0..3 are l1d, l2, llc, memory; an absent level's are 0.
 */
enum { MMUSIM_DATA_CACHES = 3, MMUSIM_DATA_WHERE = MMUSIM_DATA_CACHES + 1 };
typedef struct mmusim_data_cache_stats {
	struct {
		const char *name;        /* "l1d", "l2", "llc" */
		bool present;
		unsigned sets, ways, latency;
		uint64_t hits, misses, evictions;  /* l1d and l2: summed over every CPU */
	} cache[MMUSIM_DATA_CACHES];
	unsigned line;                   /* bytes */
	unsigned memory_latency;
	/* Where each PTE read was served, by its level (1: the leaf) and where-index. */
	uint64_t pte_found[MMUSIM_MAX_LEVELS + 1][MMUSIM_DATA_WHERE];
	uint64_t pte_cycles;             /* included in mmusim_stats.cycles */
	bool data;                       /* the trace's loads and stores go through them too */
	uint64_t data_found[MMUSIM_DATA_WHERE];
	uint64_t data_cycles;            /* not included in mmusim_stats.cycles */
	/*
	 * A virtual machine's 2-D walks: the stage-2 entries read, by their
	 * stage-2 level (the guest's own entries are in pte_found, by guest
	 * level; pte_cycles covers both).
	 */
	uint64_t stage2_found[MMUSIM_MAX_LEVELS + 1][MMUSIM_DATA_WHERE];
} mmusim_data_cache_stats;

/* Fills *out; returns false (and zeros) when the config has no `caches:` block. */
MMUSIM_API bool mmusim_mmu_data_cache_stats(const mmusim_mmu *mmu, mmusim_data_cache_stats *out);

/* ------------------------------------------------------------- bulk calls */

/*
 * For bindings (Python, numpy) that would pay a foreign call per address:
 * whole arrays in one call, each element exactly as the one-address call.
 */

/*
 * mmusim_translate of vas[0 .. n) with req's access, privilege and flags
 * (req->va is ignored), in order, so A/D updates accumulate as they would one
 * by one.  pa[i] gets the physical address, or 0 on a fault; fault_kind[i]
 * (when not NULL) the enum mmusim_fault_kind, MMUSIM_FAULT_NONE for a
 * translation.  Returns MMUSIM_OK, or MMUSIM_EINVAL for a bad req->access or
 * req->priv (nothing walked; mmusim_machine_last_error says why).
 */
MMUSIM_API int mmusim_translate_many(mmusim_machine *m, const mmusim_request *req, const uint64_t *vas,
				     size_t n, uint64_t *pa, uint8_t *fault_kind);
/*
 * mmusim_mmu_translate of vas[i] with access accesses[i] (an enum
 * mmusim_access), for i in 0 .. n: counted, demand-paged and warmed up as n
 * access events of one page each.  pa and fault_kind, when not NULL, get
 * each answer as in mmusim_translate_many.  Stops at the first access
 * outside its enum (MMUSIM_EINVAL "access I: ...") or failed demand paging;
 * the accesses before it stay counted, and *done (when not NULL) says how
 * many were.
 */
MMUSIM_API int mmusim_mmu_translate_many(mmusim_mmu *mmu, const uint64_t *vas, const uint8_t *accesses,
					 size_t n, uint64_t *pa, uint8_t *fault_kind, size_t *done,
					 mmusim_error *err);

/* ------------------------------------------------------ miss-ratio curves */

/*
 * Every LRU TLB size in one pass over a trace (mmusim mrc): the misses of a
 * fully associative LRU TLB of every size 1 .. max_entries (stack distances),
 * and of set-associative LRU TLBs of every associativity for the given set
 * counts.  A page is (VMID, ASID, VA >> page_shift), a global page (mapped)
 * (VMID, VA >> its shift), as a TLB's global entry serves every ASID; a full flush makes every
 * later first touch cold; a flush of one VA or ASID and page-table edits drop
 * their pages (counted by mmusim_mrc_partial_invalidations: the curves may
 * then undercount a replay's misses); a switch to a CPU other than 0 is refused.
 */
typedef struct mmusim_mrc mmusim_mrc;

enum mmusim_mrc_kind { MMUSIM_MRC_DATA, MMUSIM_MRC_INSTRUCTION, MMUSIM_MRC_ALL };

#define MMUSIM_MRC_MAX_SET_COUNTS 16

typedef struct mmusim_mrc_options {
	unsigned max_entries;          /* 1 .. 2^20 */
	uint64_t page_size;            /* a power of two: the pages the TLB holds; 0: the sizes the machine
	                                  maps (mmusim_mrc_run_mapped) */
	enum mmusim_mrc_kind kind;     /* data: reads and writes; instruction: fetches; all */
	unsigned sets[MMUSIM_MRC_MAX_SET_COUNTS]; /* set counts: powers of two dividing max_entries */
	unsigned nr_sets;
} mmusim_mrc_options;

MMUSIM_API int mmusim_mrc_create(const mmusim_mrc_options *opt, mmusim_mrc **out, mmusim_error *err);
MMUSIM_API void mmusim_mrc_destroy(mmusim_mrc *m);
/* Reads t to its end into the curves; "path:LINE: message" on a bad trace or a CPU switch. */
MMUSIM_API int mmusim_mrc_run(mmusim_mrc *m, mmusim_trace *t, mmusim_error *err);
/*
 * mmusim_mrc_run with page_size 0: the trace also replays through mmu (its
 * machine, demand paging as mmu's options say), and each access's page is the
 * one its translation used, with its size (a TLB holding every size); an
 * access that faults is a miss of every size and fills nothing.
 */
MMUSIM_API int mmusim_mrc_run_mapped(mmusim_mrc *m, mmusim_mmu *mmu, mmusim_trace *t, mmusim_error *err);
/* Translations counted (one per page an access of the kind touches). */
MMUSIM_API uint64_t mmusim_mrc_accesses(const mmusim_mrc *m);
/* misses[N] for N = 1 .. max_entries (fully associative), misses[0] = the accesses: max_entries + 1 values. */
MMUSIM_API void mmusim_mrc_curve(const mmusim_mrc *m, uint64_t *misses);
/* Misses of the set-associative TLB of opt.sets[set_idx] sets and `ways` ways (1 .. max_entries / sets). */
MMUSIM_API uint64_t mmusim_mrc_set_misses(const mmusim_mrc *m, unsigned set_idx, unsigned ways);
/* Partial invalidations that dropped pages (see above). */
MMUSIM_API uint64_t mmusim_mrc_partial_invalidations(const mmusim_mrc *m);

#ifdef __cplusplus
}
#endif

#endif
