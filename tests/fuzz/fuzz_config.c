/*
 * fuzz_config: config_load_string() on arbitrary YAML text.
 *
 * The input is copied into an exact-size heap buffer (NUL-terminated, but the
 * length passed is the input's, so a read past `len` is an ASan report).  On
 * success the config must be usable by the rest of the simulator: an arch,
 * derived paging constants within PT_MAX_LEVELS, a top level of a power of
 * two entries no more than a node's times 2^wide_top_bits (a root of several
 * frames: RISC-V Sv39x4, Arm's concatenated stage-2 tables; all of them unless
 * the format has partial top levels, Arm), the user and kernel ranges inside it, a bounded
 * TLB list; on
 * failure the message must be a terminated string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pt/mm_error.h"
#include "pt/paging_consts.h"
#include "formats/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };
	char *text = malloc(size + 1);
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = config_load_string(text, size, "fuzz.yaml", &cfg, &err);
	if (rc == MM_OK) {
		const struct paging_consts *pc = &cfg.pc;

		if (!cfg.arch || pc->nr_levels < 1 || pc->nr_levels > PT_MAX_LEVELS ||
		    pc->highest_translation_level > pc->nr_levels || pc->index_bits == 0 ||
		    pc->nr_entries != 1u << pc->index_bits ||
		    pc->base_page_size != 1ull << pc->page_shift ||
		    cfg.nr_tlb > CONFIG_MAX_TLBS || cfg.nr_pwc > PT_MAX_LEVELS ||
		    !pc->top_entries || (pc->top_entries & (pc->top_entries - 1)) ||
		    pc->top_entries > pc->nr_entries << pc->wide_top_bits ||
		    (!pc->partial_top && pc->top_entries != pc->nr_entries << pc->wide_top_bits) ||
		    cfg.user.top_end > pc->top_entries || cfg.kernel.top_end > pc->top_entries ||
		    cfg.kernel.upper_half != pc->split_halves)
			abort(); /* accepted a config the simulator cannot use */
	} else if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL) {
		abort(); /* unterminated error message */
	}
	free(text);
	return 0;
}
