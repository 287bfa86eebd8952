#ifndef CTE_CLIBYAML_H
#define CTE_CLIBYAML_H

// libyaml's one public header (yaml.h, libyaml-dev): YAMLDocument reads its event API (yaml_parser_parse).
#include <yaml.h>

#endif
