/** Every native builtin by `name/arity`: plain data, which an engine's library serves to the compiler. */
import { CORE_NATIVES } from './builtins-core';
import { GENERATOR_NATIVES } from './builtins-gen';
import { MATH_NATIVES } from './builtins-math';
import { STRING_NATIVES } from './builtins-string';
import { REGEX_NATIVES } from './builtins-regex';
import { DATE_NATIVES } from './dates';
import type { NativeTable } from './scope';

export const NATIVES: NativeTable = Object.freeze({
  ...CORE_NATIVES,
  ...GENERATOR_NATIVES,
  ...MATH_NATIVES,
  ...STRING_NATIVES,
  ...REGEX_NATIVES,
  ...DATE_NATIVES,
});
