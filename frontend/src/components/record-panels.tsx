// Panels one feature shows on another feature's record (e.g. the evidence archive on a member or an
// org) without the two importing each other (STYLE 6.8): the app shell provides the panels by name,
// a record screen renders `<RecordPanel name="evidence" subjectType="member" subjectId={id} />`.
// Without a provider (unit tests of the record screen) nothing is rendered.
import { type ComponentType, createContext, Suspense, useContext } from 'react';
import { Skeleton } from 'antd';

export interface RecordPanelProps {
  /** The record type as the API names it (org, member, employer, cadre, …). */
  subjectType: string;
  subjectId: number;
  /** How the record is called on screen (a member's name, an org's name). */
  subjectName?: string;
  /** The permission that lets the user add to the panel, for record types the panel does not know. */
  writePermission?: string;
}

export type RecordPanels = Partial<Record<string, ComponentType<RecordPanelProps>>>;

const RecordPanelsContext = createContext<RecordPanels>({});

export const RecordPanelsProvider = RecordPanelsContext.Provider;

export function RecordPanel({ name, ...props }: RecordPanelProps & { name: string }) {
  const Panel = useContext(RecordPanelsContext)[name];
  if (!Panel) return null;
  return (
    <Suspense fallback={<Skeleton active paragraph={{ rows: 2 }} />}>
      <Panel {...props} />
    </Suspense>
  );
}
