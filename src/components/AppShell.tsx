import { selectLoadedScenario, useAppStore } from '../store';
import type { TopologyNode } from '../viz/topology';
import { CniPanel } from './CniPanel';
import { EngineStatus } from './EngineStatus';
import { ThemeToggle } from './ThemeToggle';

const NO_NODES: readonly TopologyNode[] = [];

/** The first screen: the title, the two CNI panels side by side, the engine's status. */
export function AppShell() {
  const nodes = useAppStore(selectLoadedScenario)?.nodes ?? NO_NODES;
  return (
    <div className="app-shell">
      <header className="app-header">
        <div>
          <h1>PacketWalk</h1>
          <p className="tagline">
            See the same packet walk through Calico and Cilium, hook by hook.
          </p>
        </div>
        <ThemeToggle />
      </header>
      <main className="panels">
        <CniPanel cni="calico" nodes={nodes} />
        <CniPanel cni="cilium" nodes={nodes} />
      </main>
      <footer className="app-footer">
        <EngineStatus />
      </footer>
    </div>
  );
}
