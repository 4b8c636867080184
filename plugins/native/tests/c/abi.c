/* A plugin for the tests built with -DMAJOR=… -DMINOR=…: a plugin built against another ABI
 * version. Its init says so if it ever runs. */
#include "rustirc_plugin.h"

static const rustirc_plugin_info info = {
    MAJOR, MINOR, "abi_test", "1.0", "tests", "Built against another ABI",
};

const rustirc_plugin_info *plugin_get_info(void) { return &info; }
int plugin_init(const rustirc_host *h) {
    h->print(h->ctx, "status", "abi_test init ran");
    return RUSTIRC_OK;
}
void plugin_deinit(void) {}
int plugin_on_event(const rustirc_event *ev) { (void)ev; return RUSTIRC_OK; }
