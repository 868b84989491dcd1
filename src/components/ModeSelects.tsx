import {
  CALICO_OPTIONS,
  CILIUM_OPTIONS,
  optionsOf,
  tokenOf,
  unusedReason,
  valueByToken,
  withValue,
  type AnyOption,
  type CniOptionTable,
  type Unused,
} from '../datapath/options';
import { useId } from 'react';
import { selectCalicoConfig, selectCiliumConfig, useAppActions, useAppStore } from '../store';

// The reason text lives in the options registry; re-exported for the tests that pin it.
export { PEERING_UNUSED_IN_VXLAN, MASQUERADE_NEEDS_KPR } from '../datapath/options';

/** One option of the registry: a select or a checkbox; disabled, with the reason, when unused. */
function OptionControl<C>(props: {
  option: AnyOption<C>;
  config: C;
  onChange: (config: C) => void;
}) {
  const { option, config, onChange } = props;
  const hintId = useId();
  const unused: Unused | undefined = unusedReason(option, config);
  const set = (token: string) => {
    const row = valueByToken(option, token);
    if (row) onChange(withValue(config, option, row.value));
  };
  const described = unused ? { 'aria-describedby': hintId, title: unused.why } : {};
  const control =
    option.control === 'check' ? (
      <label className="check">
        <input
          type="checkbox"
          checked={tokenOf(option, config) === option.values[1]!.token}
          onChange={(e) => set(option.values[e.target.checked ? 1 : 0]!.token)}
          disabled={unused !== undefined}
          {...described}
        />
        {option.label}
      </label>
    ) : (
      <label>
        {option.label}
        <select
          value={tokenOf(option, config)}
          onChange={(e) => set(e.target.value)}
          disabled={unused !== undefined}
          {...described}
        >
          {option.values.map((v) => (
            <option key={v.token} value={v.token}>
              {v.label}
            </option>
          ))}
        </select>
      </label>
    );
  if (!unused) return control;
  return (
    <span className="choice-unused">
      {control}
      <small id={hintId} className="select-hint" title={unused.why}>
        {unused.short}
        <span className="visually-hidden">: {unused.why}</span>
      </small>
    </span>
  );
}

function CniOptions<C>(props: {
  table: CniOptionTable<C>;
  config: C;
  onChange: (config: C) => void;
}) {
  return (
    <fieldset className={`${props.table.cni}-modes`}>
      <legend>{props.table.title}</legend>
      {optionsOf(props.table).map((option) => (
        <OptionControl
          key={option.key}
          option={option}
          config={props.config}
          onChange={props.onChange}
        />
      ))}
    </fieldset>
  );
}

/** The CNI configuration, rendered from the options registry: any change re-walks the packet. */
export function ModeSelects() {
  const calico = useAppStore(selectCalicoConfig);
  const cilium = useAppStore(selectCiliumConfig);
  const setCalico = useAppActions().setCalico;
  const setCilium = useAppActions().setCilium;
  return (
    <div className="mode-selects">
      <CniOptions table={CALICO_OPTIONS} config={calico} onChange={setCalico} />
      <CniOptions table={CILIUM_OPTIONS} config={cilium} onChange={setCilium} />
    </div>
  );
}
