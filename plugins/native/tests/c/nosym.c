/* A plugin for the tests that forgets plugin_on_event. */
#include "rustirc_plugin.h"

static const rustirc_plugin_info info = {
    RUSTIRC_ABI_MAJOR, RUSTIRC_ABI_MINOR, "nosym", "1.0", "tests", "Misses a symbol",
};
const rustirc_plugin_info *plugin_get_info(void) { return &info; }
int plugin_init(const rustirc_host *h) { (void)h; return RUSTIRC_OK; }
void plugin_deinit(void) {}
