/*
 * cli_image_config: the config an --image runs on.  An image that describes
 * its own MMU (OSTEP's linear page table) brings its config; a --config given
 * as well must agree with it, so that a preset chosen by habit does not
 * quietly walk the table with another geometry.
 */
#include "cli_image_config.h"

#include "cli_errors.h"
#include "cli_machine.h"
#include "cli_options.h"

static bool same_mmu(const mmusim_config *a, const mmusim_config *b)
{
	mmusim_pte_layout la, lb;

	return mmusim_config_pte_layout(a, &la) && mmusim_config_pte_layout(b, &lb) &&
	       mmusim_config_levels(a) == mmusim_config_levels(b) &&
	       mmusim_config_page_size(a) == mmusim_config_page_size(b) &&
	       mmusim_config_va_bits(a) == mmusim_config_va_bits(b) &&
	       mmusim_config_pte_size(a) == mmusim_config_pte_size(b) &&
	       mmusim_config_top_entries(a) == mmusim_config_top_entries(b) && la.valid == lb.valid &&
	       la.frame_shift == lb.frame_shift;
}

int cli_image_config(const struct cli *cli, mmusim_config **out, mmusim_error *err)
{
	mmusim_config *own, *given;
	int rc;

	*out = NULL;
	if ((rc = mmusim_config_from_image(cli->image, &own, err)))
		return rc;
	if (!cli->config)
		return own ? (*out = own, MMUSIM_OK) : cli_load_config(CLI_DEFAULT_CONFIG, NULL, out, err);
	if ((rc = cli_load_config(cli->config, "--config", &given, err))) {
		mmusim_config_free(own);
		return rc;
	}
	if (own && !same_mmu(own, given)) {
		cli_set_error(err, MMUSIM_EINVAL,
			      "--config %s does not fit %s, which describes its own MMU (%u-bit VAs, %llu-byte pages, "
			      "a linear table of %u 4-byte entries): leave --config out",
			      cli->config, cli->image, mmusim_config_va_bits(own),
			      (unsigned long long)mmusim_config_page_size(own), mmusim_config_top_entries(own));
		mmusim_config_free(own);
		mmusim_config_free(given);
		return MMUSIM_EINVAL;
	}
	mmusim_config_free(own);
	*out = given;
	return MMUSIM_OK;
}
