<?xml version="1.0" encoding="UTF-8"?>
<!-- MARCXML to Zebra's indexing format (magic z: elements), in the manner of the packaged
     examples/marcxml/MARC21slim2INDEX.xsl but much smaller: the fields our own catalogue
     index searches (title, author, subject, publisher, place, series, notes, ISBN, ISSN,
     classification, year), each also in "Any". Index names are Bib-1 names (tab/bib1.att),
     so @attr 1=4 (Title) and @attr 1=1003 (Author) reach them. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:m="http://www.loc.gov/MARC21/slim"
    xmlns:z="http://indexdata.com/zebra-2.0">

  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:apply-templates select="m:record | m:collection/m:record"/>
  </xsl:template>

  <xsl:template match="m:record">
    <!-- the 001 with only letters, digits and hyphens kept: a few LC records end their 001
         with a stray subfield delimiter (0x1F), which XML cannot carry in an attribute -->
    <xsl:variable name="raw" select="m:controlfield[@tag='001']"/>
    <xsl:variable name="keep" select="'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-'"/>
    <xsl:variable name="id" select="translate($raw, translate($raw, $keep, ''), '')"/>
    <z:record z:id="{$id}">
      <z:index name="Local-number:0"><xsl:value-of select="$id"/></z:index>
      <z:index name="Date-of-publication:n">
        <xsl:value-of select="substring(m:controlfield[@tag='008'], 8, 4)"/>
      </z:index>
      <xsl:apply-templates select="m:datafield"/>
    </z:record>
  </xsl:template>

  <!-- nothing from fields not listed below -->
  <xsl:template match="m:datafield"/>

  <xsl:template match="m:datafield[@tag='245' or @tag='246' or @tag='240' or @tag='130'
                                   or @tag='730' or @tag='740']">
    <z:index name="Title:w Any:w">
      <xsl:call-template name="subfields">
        <xsl:with-param name="codes" select="'abfknp'"/>
      </xsl:call-template>
    </z:index>
  </xsl:template>

  <xsl:template match="m:datafield[@tag='100' or @tag='110' or @tag='111' or @tag='700'
                                   or @tag='710' or @tag='711']">
    <z:index name="Author:w Any:w">
      <xsl:call-template name="subfields">
        <xsl:with-param name="codes" select="'abcdq'"/>
      </xsl:call-template>
    </z:index>
  </xsl:template>

  <xsl:template match="m:datafield[starts-with(@tag, '6')]">
    <z:index name="Subject-heading:w Any:w">
      <xsl:call-template name="subfields">
        <xsl:with-param name="codes" select="'abcdfgklmnopqrstvxyz'"/>
      </xsl:call-template>
    </z:index>
  </xsl:template>

  <xsl:template match="m:datafield[@tag='260' or @tag='264']">
    <z:index name="Place-publication:w Any:w">
      <xsl:value-of select="m:subfield[@code='a']"/>
    </z:index>
    <z:index name="Publisher:w Any:w">
      <xsl:value-of select="m:subfield[@code='b']"/>
    </z:index>
  </xsl:template>

  <xsl:template match="m:datafield[@tag='440' or @tag='490' or @tag='800' or @tag='810'
                                   or @tag='811' or @tag='830']">
    <z:index name="Title-series:w Any:w">
      <xsl:value-of select="m:subfield[@code='a']"/>
    </z:index>
  </xsl:template>

  <xsl:template match="m:datafield[starts-with(@tag, '5')]">
    <z:index name="Note:w Any:w">
      <xsl:value-of select="m:subfield[@code='a']"/>
    </z:index>
  </xsl:template>

  <xsl:template match="m:datafield[@tag='020']">
    <z:index name="ISBN:w"><xsl:value-of select="m:subfield[@code='a']"/></z:index>
  </xsl:template>

  <xsl:template match="m:datafield[@tag='022']">
    <z:index name="ISSN:w"><xsl:value-of select="m:subfield[@code='a']"/></z:index>
  </xsl:template>

  <xsl:template match="m:datafield[@tag='050' or @tag='082']">
    <z:index name="LC-call-number:w"><xsl:value-of select="m:subfield[@code='a']"/></z:index>
  </xsl:template>

  <xsl:template name="subfields">
    <xsl:param name="codes"/>
    <xsl:for-each select="m:subfield[contains($codes, @code)]">
      <xsl:value-of select="."/>
      <xsl:text> </xsl:text>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
