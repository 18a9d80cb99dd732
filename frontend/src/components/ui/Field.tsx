import type { InputHTMLAttributes, SelectHTMLAttributes, TextareaHTMLAttributes } from "preact";
import { useId } from "preact/hooks";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "label"> & {
  label: string;
  hint?: string;
  error?: string | undefined;
  name: string;
  /** Renders a textarea instead of an input. */
  multiline?: boolean;
  rows?: number;
};

/** A labelled input with its hint and its error next to it (aria-describedby, aria-invalid). */
export function Field({ label, hint, error, multiline, id, ...rest }: InputProps) {
  const auto = useId();
  const fieldId = (id as string | undefined) ?? `f-${auto}`;
  const hintId = hint ? `${fieldId}-hint` : undefined;
  const errorId = error ? `${fieldId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  const common = {
    id: fieldId,
    "aria-describedby": describedBy,
    "aria-invalid": error ? ("true" as const) : undefined,
  };
  return (
    <div class="field">
      <label for={fieldId}>{label}</label>
      {multiline ? (
        <textarea {...(rest as unknown as TextareaHTMLAttributes<HTMLTextAreaElement>)} {...common} />
      ) : (
        <input type="text" {...rest} {...common} />
      )}
      {hint ? (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span class="field-error" id={errorId}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "label"> & {
  label: string;
  hint?: string;
  error?: string | undefined;
  name: string;
  options: { value: string; label: string }[];
};

export function SelectField({ label, hint, error, options, id, defaultValue, ...rest }: SelectProps) {
  const auto = useId();
  const fieldId = (id as string | undefined) ?? `s-${auto}`;
  const hintId = hint ? `${fieldId}-hint` : undefined;
  const errorId = error ? `${fieldId}-error` : undefined;
  return (
    <div class="field">
      <label for={fieldId}>{label}</label>
      <select
        {...rest}
        id={fieldId}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        aria-invalid={error ? "true" : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={defaultValue !== undefined ? o.value === defaultValue : undefined}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span class="field-error" id={errorId}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
