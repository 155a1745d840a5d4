// source.file: the object read from a file in the sensor's container (a mounted ConfigMap or volume) at each firing.
import { readFile, stat } from "node:fs/promises";
import { ErrorCodes, ImpulseError } from "@impulse/api";
import { defineSource } from "./define.js";

/** Larger than any sane manifest; a mistaken path to a big file fails fast instead of filling memory. */
export const MAX_SOURCE_BYTES = 1 << 20;

export const file = defineSource({
  kind: "file",
  create: (ctx) => ({
    async read({ path }) {
      const at = `${ctx.at}.file.path`;
      try {
        // Followed symlinks are fine here: a mounted ConfigMap's keys are symlinks into its ..data directory.
        const s = await stat(path);
        if (!s.isFile()) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}: ${path} is not a file`);
        if (s.size > MAX_SOURCE_BYTES) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}: ${path} is ${s.size} bytes, more than the ${MAX_SOURCE_BYTES} a source may have`);
        return { text: await readFile(path, "utf8"), where: `${at} ${path}` };
      } catch (e) {
        if (e instanceof ImpulseError) throw e;
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" ? "not found in the sensor's container (mount it with spec.template volumes and container.volumeMounts)" : (e as Error).message;
        throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}: cannot read ${path}: ${why}`, { cause: e });
      }
    },
  }),
});
