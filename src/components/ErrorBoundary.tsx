import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Keeps the app usable when one panel fails: the panel says so and offers to try again. */
export class ErrorBoundary extends Component<
  { name: string; children: ReactNode },
  { error: Error | null }
> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept out of the console on purpose: the panel shows the message to the user instead.
    void error;
    void info;
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="panel-error" role="alert">
        <p>
          The {this.props.name} panel failed: {this.state.error.message}
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
