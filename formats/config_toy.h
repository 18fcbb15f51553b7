/*
 * config_toy: the `toy:` block of a machine config, which describes a teaching
 * MMU by data (pt/arch_toy.c): its geometry and the bit positions of its PTE.
 *
 *   toy:
 *     va_bits: 16        # VA width
 *     page_size: 64      # bytes, a power of two; a node is one page
 *     levels: 2
 *     pte_size: 2        # bytes: 1, 2, 4 or 8
 *     pa_bits: 16        # PA width
 *     valid: 0           # bit positions; read, write, exec, user, huge,
 *     read: 1            # accessed and dirty may be left out (an absent
 *     write: 2           # permission bit grants; without huge, leaves only
 *     exec: 3            # at level 1)
 *     user: 4
 *     huge: 5
 *     frame_shift: 6     # the frame number (PA >> log2(page_size)) sits in
 *     frame_width: 10    # PTE bits frame_shift .. frame_shift+frame_width-1
 *
 * The top-level paging constants (base_page_size, nr_levels, ...) follow from
 * it and must not be given as well.
 */
#ifndef MMUSIM_SIM_CONFIG_TOY_H
#define MMUSIM_SIM_CONFIG_TOY_H

#include "pt/mm_error.h"
#include "pt/paging_consts.h"
#include "formats/yaml_tree.h"

struct pt_arch;

/*
 * Fills *pc (configured and derived fields, and pc->layout) from the `toy`
 * mapping and checks it with pt_arch_check_consts.  Returns MM_OK, or MM_EINVAL
 * with "file:line:column: message" pointing at the offending toy key (when two
 * keys are involved, the one the document `primary` wrote, as config.c does).
 */
int config_toy_load(const struct ynode *toy, const char *primary, const struct pt_arch *arch,
		    struct paging_consts *pc, struct mm_error *err);

#endif
