/* commands.h — the user-facing commands. Each parses its own options,
 * is collective over ctx->world and returns a status whose message is
 * already agreed on all ranks. */
#ifndef PAWPROJ_COMMANDS_H
#define PAWPROJ_COMMANDS_H

#include "pawproj/core/ctx.h"

pp_status pp_cmd_info(pp_ctx *ctx, int argc, char **argv);
pp_status pp_cmd_dump(pp_ctx *ctx, int argc, char **argv);
pp_status pp_cmd_norms(pp_ctx *ctx, int argc, char **argv);
pp_status pp_cmd_project(pp_ctx *ctx, int argc, char **argv);
pp_status pp_cmd_state(pp_ctx *ctx, int argc, char **argv);
pp_status pp_cmd_density(pp_ctx *ctx, int argc, char **argv);
pp_status pp_cmd_wswq(pp_ctx *ctx, int argc, char **argv);
pp_status pp_cmd_overlap(pp_ctx *ctx, int argc, char **argv);
pp_status pp_cmd_optics(pp_ctx *ctx, int argc, char **argv);

#endif
